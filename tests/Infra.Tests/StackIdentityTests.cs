using EksIpvs.Core.Iam;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>What the deploy policy relies on: every role under the stack's names with the boundary when one is
/// configured, every EC2 and KMS resource (and the cluster) with the stack tag, and pulumi-eks given our role.</summary>
public class StackIdentityTests
{
    private const string Boundary = "arn:aws:iam::111122223333:policy/eks-ipvs-test-boundary";

    private static readonly string[] Ec2AndKms =
    [
        "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
        "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway", "aws:ec2/launchTemplate:LaunchTemplate", "aws:kms/key:Key",
    ];

    [Fact]
    public async Task Every_role_has_the_stacks_name_and_with_a_boundary_configured_carries_it()
    {
        var run = await With(("permissionsBoundaryArn", Boundary));
        var roles = run.OfType("aws:iam/role:Role").ToList();
        Assert.Equal(["eks-ipvs-test-cluster", "eks-ipvs-test-node"], roles.Select(r => (string)r.Inputs["name"]).Order(StringComparer.Ordinal));
        Assert.All(roles, r => Assert.Equal(Boundary, r.Inputs["permissionsBoundary"]));
        Assert.All(roles, r => Assert.StartsWith("eks-ipvs-test-", (string)r.Inputs["name"]));
        // Only the managed policies the deploy policy lets the pipeline attach.
        var attached = run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").Select(a => (string)a.Inputs["policyArn"]).Order(StringComparer.Ordinal);
        Assert.Equal(StackRoles.AttachablePolicyArns("aws").Order(StringComparer.Ordinal), attached);
    }

    [Fact]
    public async Task Without_a_boundary_configured_no_role_has_one()
    {
        var run = await With();
        Assert.All(run.OfType("aws:iam/role:Role"), r => Assert.False(r.Inputs.ContainsKey("permissionsBoundary")));
    }

    [Fact]
    public async Task Pulumi_eks_is_given_the_programs_cluster_role()
    {
        var run = await With();
        var cluster = run.Single("eks:index:Cluster", "eks").Inputs;
        Assert.True(cluster.ContainsKey("serviceRole"));
        var role = run.Single("aws:iam/role:Role", "cluster-role").Inputs;
        Assert.Equal(StackRoles.ClusterAssumeRolePolicy, role["assumeRolePolicy"]);
    }

    [Fact]
    public async Task Every_ec2_and_kms_resource_and_the_cluster_carry_the_stack_tag()
    {
        var run = await With();
        var tagged = run.Registered.Where(r => Ec2AndKms.Contains(r.Type)).ToList();
        Assert.Equal(Ec2AndKms.Order(StringComparer.Ordinal), tagged.Select(r => r.Type!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(tagged, r => Assert.Equal("eks-ipvs-test", Map(r.Inputs["tags"])[StackRoles.TagKey]));
        Assert.Equal("eks-ipvs-test", Map(run.Single("eks:index:Cluster", "eks").Inputs["tags"])[StackRoles.TagKey]);
        Assert.All(run.OfType("aws:iam/role:Role"), r => Assert.Equal("eks-ipvs-test", Map(r.Inputs["tags"])[StackRoles.TagKey]));
        // The nodes' instances, volumes and ENIs get it through the launch template's tag specifications.
        Assert.All(run.OfType("aws:ec2/launchTemplate:LaunchTemplate"), lt =>
            Assert.All((System.Collections.Immutable.ImmutableArray<object>)lt.Inputs["tagSpecifications"],
                spec => Assert.Equal("eks-ipvs-test", Map(Map(spec)["tags"])[StackRoles.TagKey])));
    }
}
