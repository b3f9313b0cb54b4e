using System.Text.Json;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Validation;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The deploy role's policy: every type the program uses is in the table, and names scope it where AWS allows.</summary>
public class DeployPolicyTests
{
    private static List<JsonElement> Statements(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("Statement").EnumerateArray().ToList();

    private static JsonElement Statement(string json, string sid) => Statements(json).Single(s => s.GetProperty("Sid").GetString() == sid);

    private static List<string?> Strings(JsonElement element) => element.EnumerateArray().Select(e => e.GetString()).ToList();

    [Fact]
    public void Every_type_any_stack_uses_is_in_the_table()
    {
        var everything = Valid(("kubeProxyManagement", "selfManaged"),
            ("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/a", "access": "view"}]"""));
        foreach (var type in DeployPolicy.TypesFor(everything))
        {
            Assert.True(DeployPolicy.Table.ContainsKey(type), $"{type} is missing from DeployPolicy.Table");
        }
        Assert.Equal(DeployPolicy.Table.Keys.Order(StringComparer.Ordinal), DeployPolicy.TypesFor(everything).Append("aws:kms/alias:Alias").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unknown_type_is_an_error_not_a_silent_gap()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DeployPolicy.For(Valid(), ["aws:rds/instance:Instance"]));
        Assert.Equal("aws:rds/instance:Instance has no entry in DeployPolicy.Table: add the API actions it calls", error.Message);
    }

    [Fact]
    public void Eks_logs_and_the_alias_are_scoped_to_the_cluster_by_name()
    {
        var spec = Valid(("clusterName", "payments"));
        var json = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec));
        Assert.Equal(["arn:aws:eks:*:*:cluster/payments"], Strings(Statement(json, "EksCluster").GetProperty("Resource")));
        Assert.Contains("eks:CreateNodegroup", Strings(Statement(json, "EksCluster").GetProperty("Action")));
        Assert.Contains("arn:aws:eks:*:*:nodegroup/payments/*", Strings(Statement(json, "EksChildren").GetProperty("Resource")));
        Assert.Contains("arn:aws:logs:*:*:log-group:/aws/eks/payments/cluster", Strings(Statement(json, "ControlPlaneLogs").GetProperty("Resource")));
        Assert.Contains("arn:aws:kms:*:*:alias/eks/payments", Strings(Statement(json, "KmsAlias").GetProperty("Resource")));
        Assert.Equal("eks.amazonaws.com", Statement(json, "PassStackRoles").GetProperty("Condition").GetProperty("StringEquals").GetProperty("iam:PassedToService").GetString());
        // What CreateNodegroup with a launch template needs of EC2 (EKS user guide): from the stack's template only.
        Assert.Contains("ec2:RunInstances", Strings(Statement(json, "Ec2Stack").GetProperty("Action")));
        Assert.DoesNotContain("ec2:RunInstances", Strings(Statement(json, "Any").GetProperty("Action")));
        // Actions appear once, sorted, in one statement per scope.
        Assert.All(Statements(json), s => Assert.Equal(Strings(s.GetProperty("Action")).Order(StringComparer.Ordinal), Strings(s.GetProperty("Action"))));
    }

    [Fact]
    public void Only_what_the_stack_uses()
    {
        var minimal = Valid(("secretsEncryption", "false"));
        var json = DeployPolicy.For(minimal, DeployPolicy.TypesFor(minimal));
        Assert.DoesNotContain("kms:CreateKey", json);
        Assert.DoesNotContain("eks:CreateAccessEntry", json);
        var withAccess = Valid(("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/a", "access": "view"}]"""));
        Assert.Contains("eks:CreateAccessEntry", DeployPolicy.For(withAccess, DeployPolicy.TypesFor(withAccess)));
    }

    [Fact]
    public void Other_partitions()
    {
        var spec = Valid();
        Assert.Contains("arn:aws-cn:eks:*:*:cluster/", DeployPolicy.For(spec, DeployPolicy.TypesFor(spec), "aws-cn"));
    }

    [Theory]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData(null, "aws")]
    public void Render_writes_the_policies_for_the_partition_of_aws_region(string? region, string partition)
    {
        var config = Config();
        var result = SpecValidator.Validate(region is null ? config : config with { Others = new Dictionary<string, string> { ["aws:region"] = region } }, Today);
        var files = EksIpvs.Cli.RenderCommand.RenderedFiles(Assert.IsType<ClusterSpec>(result.Spec));
        foreach (var file in new[] { "deploy-policy.json", "boundary-policy.json" })
        {
            var arns = System.Text.RegularExpressions.Regex.Matches(files[file], "\"arn:([a-z-]+):").Select(m => m.Groups[1].Value).Distinct();
            Assert.Equal([partition], arns);
        }
    }

    [Fact]
    public void Iam_reaches_only_the_stacks_roles_and_gives_them_nothing_without_the_boundary()
    {
        var spec = Valid(("clusterName", "payments"), ("permissionsBoundaryArn", "arn:aws:iam::111122223333:policy/payments-boundary"));
        var json = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec));
        string[] roles = ["arn:aws:iam::*:role/payments-cluster", "arn:aws:iam::*:role/payments-node"];
        foreach (var sid in new[] { "StackRoles", "StackRolesBounded", "AttachStackPolicies", "PassStackRoles" })
        {
            Assert.Equal(roles, Strings(Statement(json, sid).GetProperty("Resource")));
        }
        // Only reading reaches other roles (getSessionContext resolves the deployer's own).
        Assert.Equal(["iam:GetRole"], Strings(Statement(json, "ReadRoles").GetProperty("Action")));
        var bounded = Statement(json, "StackRolesBounded");
        Assert.Equal(["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"], Strings(bounded.GetProperty("Action")));
        Assert.Equal("arn:aws:iam::111122223333:policy/payments-boundary",
            bounded.GetProperty("Condition").GetProperty("ArnLike").GetProperty("iam:PermissionsBoundary").GetString());
        var attach = Statement(json, "AttachStackPolicies");
        Assert.Equal(["iam:AttachRolePolicy"], Strings(attach.GetProperty("Action")));
        Assert.Equal(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            Strings(attach.GetProperty("Condition").GetProperty("ArnEquals").GetProperty("iam:PolicyARN")));
        // Nowhere else do the actions that give a role permissions appear.
        foreach (var statement in Statements(json).Where(s => s.GetProperty("Sid").GetString() is not ("StackRolesBounded" or "AttachStackPolicies")))
        {
            var actions = Strings(statement.GetProperty("Action"));
            Assert.DoesNotContain("iam:CreateRole", actions);
            Assert.DoesNotContain("iam:AttachRolePolicy", actions);
            Assert.DoesNotContain("iam:PutRolePolicy", actions);
        }
        Assert.DoesNotContain("iam:DeleteRolePermissionsBoundary", json);
        Assert.DoesNotContain("iam:CreatePolicyVersion", json);
    }

    [Fact]
    public void Without_a_configured_boundary_the_policy_requires_the_conventional_one()
    {
        var spec = Valid(("clusterName", "payments"));
        var json = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec));
        Assert.Equal("arn:aws:iam::*:policy/payments-boundary",
            Statement(json, "StackRolesBounded").GetProperty("Condition").GetProperty("ArnLike").GetProperty("iam:PermissionsBoundary").GetString());
    }

    [Fact]
    public void Ec2_and_kms_changes_need_the_stack_tag()
    {
        var spec = Valid(("clusterName", "payments"));
        var json = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec));
        foreach (var (sid, key) in new[] { ("Ec2Create", "aws:RequestTag/eks-ipvs:cluster"), ("KmsCreate", "aws:RequestTag/eks-ipvs:cluster"),
                     ("EksCreate", "aws:RequestTag/eks-ipvs:cluster"), ("Ec2Stack", "aws:ResourceTag/eks-ipvs:cluster"),
                     ("KmsStackKey", "aws:ResourceTag/eks-ipvs:cluster") })
        {
            Assert.Equal("payments", Statement(json, sid).GetProperty("Condition").GetProperty("StringEquals").GetProperty(key).GetString());
        }
        Assert.Contains("ec2:DeleteVpc", Strings(Statement(json, "Ec2Stack").GetProperty("Action")));
        Assert.Contains("kms:ScheduleKeyDeletion", Strings(Statement(json, "KmsStackKey").GetProperty("Action")));
        // What stays on "*" reads, or is named in the README with the reason.
        Assert.All(Strings(Statement(json, "Any").GetProperty("Action")), action =>
            Assert.Matches(@"^(ec2:Describe\w+|eks:DescribeAddonVersions|kms:ListAliases|logs:DescribeLogGroups)$", action));
    }
}
