using System.Collections.Immutable;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>accessEntries become one aws.eks.AccessEntry and one AccessPolicyAssociation per principal.</summary>
public class ClusterAccessTests
{
    private const string Entries = """
        [{"principalArn": "arn:aws:iam::111122223333:role/platform-admins", "access": "clusterAdmin"},
         {"principalArn": "arn:aws:iam::111122223333:role/teams/web", "access": "edit", "namespaces": ["web"]}]
        """;

    [Fact]
    public async Task Each_principal_gets_an_entry_and_its_policy()
    {
        var run = await With(("accessEntries", Entries), ("tags", """{"team": "platform"}"""));

        var admin = run.Single("aws:eks/accessEntry:AccessEntry", "111122223333-role-platform-admins").Inputs;
        Assert.Equal(("arn:aws:iam::111122223333:role/platform-admins", "STANDARD"), (admin["principalArn"], admin["type"]));
        Assert.Equal(Json("""{"eks-ipvs:cluster":"eks-ipvs-test","team":"platform"}"""), Json(admin["tags"]));
        var adminPolicy = run.Single("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "111122223333-role-platform-admins").Inputs;
        Assert.Equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", adminPolicy["policyArn"]);
        Assert.Equal(Json("""{"type":"cluster"}"""), Json(adminPolicy["accessScope"]));

        var web = run.Single("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "111122223333-role-teams-web").Inputs;
        Assert.Equal(("arn:aws:iam::111122223333:role/teams/web", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"),
            (web["principalArn"], web["policyArn"]));
        Assert.Equal(Json("""{"namespaces":["web"],"type":"namespace"}"""), Json(web["accessScope"]));
        Assert.Equal(2, run.OfType("aws:eks/accessEntry:AccessEntry").Count());
    }

    [Fact]
    public async Task No_entries_no_resources() =>
        Assert.Empty((await With()).OfType("aws:eks/accessEntry:AccessEntry"));

    [Fact]
    public async Task A_principal_of_another_partition_stops_the_run_before_any_resource()
    {
        var (run, error) = await Try(("accessEntries", """[{"principalArn": "arn:aws-cn:iam::111122223333:role/ops", "access": "view"}]"""));
        Assert.NotNull(error);
        Assert.Contains("arn:aws-cn:iam::111122223333:role/ops is in partition aws-cn, but the stack deploys to aws", error.ToString());
        Assert.DoesNotContain(run.Registered, r => r.Type != "pulumi:pulumi:Stack");
    }
}
