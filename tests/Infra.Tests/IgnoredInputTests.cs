using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>pulumi up refuses what the offline tool refuses: a key no one reads, a principal of another
/// partition than aws:region's, before any resource is registered.</summary>
public class IgnoredInputTests
{
    [Fact]
    public async Task A_key_under_a_lookalike_namespace_stops_the_run_before_any_resource()
    {
        var (run, error) = await Try(("eks_ipvs:proxyMode", "iptables"));
        Assert.NotNull(error);
        Assert.Contains("eks_ipvs:proxyMode = \"iptables\": namespace 'eks_ipvs' is no package's, so nobody reads this key", error.ToString());
        Assert.DoesNotContain(run.Registered, r => r.Type != "pulumi:pulumi:Stack");
    }

    [Fact]
    public async Task A_principal_outside_the_partition_of_aws_region_stops_the_run_before_any_resource()
    {
        var (run, error) = await Try(("aws:region", "cn-north-1"),
            ("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/ops", "access": "view"}]"""));
        Assert.NotNull(error);
        Assert.Contains("an access entry principal in partition aws, but aws:region cn-north-1 is in partition aws-cn", error.ToString());
        Assert.DoesNotContain(run.Registered, r => r.Type != "pulumi:pulumi:Stack");
    }
}
