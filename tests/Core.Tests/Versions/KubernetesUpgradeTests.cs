using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>The one-minor-at-a-time rule the CD workflow applies before `pulumi preview`.</summary>
public class KubernetesUpgradeTests
{
    [Theory]
    [InlineData("1.33", "1.34")] // one minor up
    [InlineData("1.34", "1.34")] // unchanged
    [InlineData(null, "1.36")]   // never deployed
    [InlineData("", "1.30")]     // deployed before the output existed
    public void Allowed(string? deployed, string target) => Assert.Null(KubernetesUpgrade.Refusal(deployed, target));

    [Fact]
    public void Skipping_a_minor_is_refused_with_the_next_step() =>
        Assert.Equal("2 minor versions ahead of the deployed 1.32, and EKS upgrades one minor version at a time; set kubernetesVersion " +
                     "to 1.33, let that `pulumi up` finish (control plane, add-ons, node groups, CoreDNS), then raise it one minor " +
                     "version per update up to 1.34",
            KubernetesUpgrade.Refusal("1.32", "1.34"));

    [Fact]
    public void Going_down_is_refused() =>
        Assert.Equal("older than the deployed 1.35, and EKS cannot downgrade a cluster; set kubernetesVersion back to 1.35 " +
                     "(a lower version needs a new cluster)",
            KubernetesUpgrade.Refusal("1.35", "1.34"));

    [Fact]
    public void An_unreadable_deployed_version_is_refused_not_ignored() =>
        Assert.StartsWith("the deployed stack's kubernetesVersion output is \"v1.34\"", KubernetesUpgrade.Refusal("v1.34", "1.34"));

    [Theory]
    [InlineData("1.34", 0, "kubernetesVersion 1.34 -> 1.35: one minor version, as EKS requires\n", "")]
    [InlineData("1.35", 0, "kubernetesVersion 1.35: unchanged\n", "")]
    [InlineData("1.33", 1, "", "error: eks-ipvs:kubernetesVersion = \"1.35\": 2 minor versions ahead of the deployed 1.33")]
    public void The_check_reads_the_stack_file_and_exits_by_the_rule(string deployed, int code, string stdout, string stderrStart)
    {
        var (outText, errText) = (new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" });
        Assert.Equal(code, KubernetesUpgrade.Check(Repo.Root, "dev", deployed, outText, errText, Stacks.Today));
        Assert.Equal(stdout, outText.ToString());
        Assert.StartsWith(stderrStart, errText.ToString());
    }

    [Fact]
    public void A_missing_stack_file_is_invalid_input()
    {
        var err = new StringWriter();
        Assert.Equal(2, KubernetesUpgrade.Check(Repo.Root, "no-such-stack", "1.33", new StringWriter(), err, Stacks.Today));
        Assert.Contains("Pulumi.no-such-stack.yaml not found", err.ToString());
    }
}
