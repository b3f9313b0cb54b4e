using EksIpvs.Core.Addons;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The self-managed path: only mode and ipvs.scheduler of the live kube-proxy-config change.
/// data/eks-kube-proxy-config.yaml has the shape of EKS's self-managed ConfigMap (KubeProxyConfiguration
/// v1alpha1 as EKS sets it); it is reconstructed, not recorded from a live cluster.</summary>
public class KubeProxyConfigMapTests
{
    private static readonly string Live = File.ReadAllText(Repo.Path("tests", "Core.Tests", "data", "eks-kube-proxy-config.yaml"));

    private static ClusterSpec SelfManaged(params (string, string)[] config) =>
        Valid([("kubeProxyManagement", "selfManaged"), .. config]);

    [Fact]
    public void Ipvs_sets_mode_and_scheduler_and_keeps_every_other_line()
    {
        var rewritten = KubeProxyConfigMap.Rewrite(Live, SelfManaged(("ipvsScheduler", "lc")));
        Golden.Matches("kube-proxy-config/ipvs-lc.yaml", rewritten);
        var before = Live.Split('\n');
        var after = rewritten.Split('\n');
        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.Equal([("  scheduler: \"\"", "  scheduler: lc"), ("mode: \"iptables\"", "mode: ipvs")], changed);
    }

    [Fact]
    public void Rewriting_twice_changes_nothing_more()
    {
        var spec = SelfManaged(("ipvsScheduler", "sh"));
        var once = KubeProxyConfigMap.Rewrite(Live, spec);
        Assert.Equal(once, KubeProxyConfigMap.Rewrite(once, spec));
    }

    [Fact]
    public void Other_modes_set_only_the_mode()
    {
        var rewritten = KubeProxyConfigMap.Rewrite(Live, SelfManaged(("proxyMode", "nftables")));
        var changed = Live.Split('\n').Zip(rewritten.Split('\n')).Where(p => p.First != p.Second).ToList();
        Assert.Equal([("mode: \"iptables\"", "mode: nftables")], changed);
    }

    [Fact]
    public void A_config_without_an_ipvs_section_gets_one()
    {
        var rewritten = KubeProxyConfigMap.Rewrite("kind: KubeProxyConfiguration\nmode: iptables\n", SelfManaged());
        Assert.Equal("kind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  scheduler: rr\n", rewritten);
    }

    [Theory]
    [InlineData("mode: [unclosed", "is not valid YAML")]
    [InlineData("- a list\n- not a mapping\n", "is not a KubeProxyConfiguration mapping")]
    public void A_broken_live_config_is_a_clear_error(string live, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => KubeProxyConfigMap.Rewrite(live, SelfManaged()));
        Assert.StartsWith("kube-system/kube-proxy-config key 'config' ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_config_map_without_the_config_key_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            KubeProxyConfigMap.Rewrite(new Dictionary<string, string> { ["config.conf"] = "mode: iptables" }, SelfManaged()));
        Assert.Equal("kube-system/kube-proxy-config has no 'config' key (keys: config.conf); is kube-proxy really EKS's self-managed DaemonSet? " +
                     "allowed: kubeProxyManagement addon, or a cluster with the self-managed kube-proxy", error.Message);
        Assert.Equal(KubeProxyConfigMap.Rewrite(Live, SelfManaged()),
            KubeProxyConfigMap.Rewrite(new Dictionary<string, string> { ["config"] = Live }, SelfManaged()));
    }

    [Fact]
    public void Self_managed_with_a_private_endpoint_warns_that_pulumi_needs_the_api()
    {
        var result = Validate(("kubeProxyManagement", "selfManaged"));
        Assert.True(result.IsValid);
        Assert.Equal("eks-ipvs:kubeProxyManagement = \"selfManaged\": selfManaged reads and patches kube-proxy through the Kubernetes API, whose endpoint is private; " +
                     "advice: run `pulumi up` from inside the VPC (or over VPN), or open endpointPublicAccess to the deploying CIDRs",
            Assert.Single(OtherWarnings(result)).ToString());
    }

    [Fact]
    public void Unknown_management() =>
        Assert.Equal("eks-ipvs:kubeProxyManagement = \"manual\": not one of the choices; allowed: addon, selfManaged",
            SingleError(("kubeProxyManagement", "manual")));
}
