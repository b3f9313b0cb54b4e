using System.Text.Json;
using EksIpvs.Core.Iam;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The permissions boundary: what it denies, by name. Whether AWS's engine agrees is tests/iam.</summary>
public class BoundaryPolicyTests
{
    private static JsonElement Statement(string json, string sid) =>
        JsonDocument.Parse(json).RootElement.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == sid);

    private static List<string?> Strings(JsonElement element) => element.EnumerateArray().Select(e => e.GetString()).ToList();

    [Fact]
    public void Denies_escaping_the_boundary_and_touching_the_deploy_role()
    {
        var json = BoundaryPolicy.For(Valid(("clusterName", "payments"), ("permissionsBoundaryArn", "arn:aws:iam::111122223333:policy/eks/payments-boundary")));
        Assert.Equal("arn:aws:iam::111122223333:policy/eks/payments-boundary", Statement(json, "DenyRolesWithoutThisBoundary")
            .GetProperty("Condition").GetProperty("ArnNotLike").GetProperty("iam:PermissionsBoundary").GetString());
        Assert.Equal(["arn:aws:iam::111122223333:policy/eks/payments-boundary"], Strings(Statement(json, "DenyEditingThisBoundary").GetProperty("Resource")));
        Assert.Equal(["arn:aws:iam::*:role/payments-deploy"], Strings(Statement(json, "DenyChangingTheDeployRole").GetProperty("Resource")));
        Assert.Contains("iam:DeleteRolePermissionsBoundary", Strings(Statement(json, "DenyRemovingBoundaries").GetProperty("Action")));
        Assert.Equal("Deny", Statement(json, "DenyChangingTheDeployRole").GetProperty("Effect").GetString());
        Assert.Equal(["arn:aws:iam::*:role/payments-cluster", "arn:aws:iam::*:role/payments-node"],
            Strings(Statement(json, "DenyAssumingTheStacksRoles").GetProperty("Resource")));
    }

    [Fact]
    public void Other_partitions()
    {
        Assert.Contains("arn:aws-us-gov:iam::*:policy/dev-boundary", BoundaryPolicy.For(Valid(("clusterName", "dev")), "aws-us-gov"));
    }

    /// <summary>The pipeline stack tests/iam simulates beside dev: a boundary, access entries, a self-managed kube-proxy.</summary>
    public static ClusterSpec Pipeline() => Valid(("clusterName", "payments"),
        ("permissionsBoundaryArn", "arn:aws:iam::111122223333:policy/payments-boundary"),
        ("kubeProxyManagement", "selfManaged"),
        ("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/platform-admins", "access": "clusterAdmin"}]"""));

    [Fact]
    public void The_pipeline_stacks_policies_match_their_golden_files()
    {
        var spec = Pipeline();
        Golden.Matches("iam/pipeline-deploy-policy.json", DeployPolicy.For(spec, DeployPolicy.TypesFor(spec)));
        Golden.Matches("iam/pipeline-boundary-policy.json", BoundaryPolicy.For(spec));
    }
}
