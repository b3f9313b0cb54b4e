using System.Text.Json;
using EksIpvs.Core.Addons;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The add-ons' configurationValues: golden files, and the kube-proxy ones checked against the schema
/// EKS publishes (`aws eks describe-addon-configuration`), which rejects unknown keys at apply time.</summary>
public class AddonConfigTests
{
    private static readonly JsonElement KubeProxySchema =
        JsonDocument.Parse(File.ReadAllText(Repo.Shared("reference", "kube-proxy-addon-schema.v1.28.8-eksbuild.5.json"))).RootElement;

    [Theory]
    [InlineData("ipvs", "rr", "kube-proxy/ipvs-rr.json")]
    [InlineData("ipvs", "wlc", "kube-proxy/ipvs-wlc.json")]
    [InlineData("iptables", null, "kube-proxy/iptables.json")]
    [InlineData("nftables", null, "kube-proxy/nftables.json")]
    public void Kube_proxy_values(string mode, string? scheduler, string golden)
    {
        var config = scheduler is null ? Valid(("proxyMode", mode)) : Valid(("proxyMode", mode), ("ipvsScheduler", scheduler));
        Golden.Matches(golden, KubeProxyConfig.For(config).ToJson());
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("sh")]
    [InlineData("nq")]
    public void Ipvs_values_satisfy_the_published_add_on_schema(string scheduler)
    {
        var values = JsonDocument.Parse(KubeProxyConfig.For(Valid(("ipvsScheduler", scheduler))).ToJson()).RootElement;
        Assert.Empty(JsonSchema.Errors(KubeProxySchema, values));
        Assert.Equal("ipvs", values.GetProperty("mode").GetString());
        Assert.Equal(scheduler, values.GetProperty("ipvs").GetProperty("scheduler").GetString());
    }

    [Fact]
    public void Iptables_values_satisfy_the_published_add_on_schema() =>
        Assert.Empty(JsonSchema.Errors(KubeProxySchema, JsonDocument.Parse(KubeProxyConfig.For(Valid(("proxyMode", "iptables"))).ToJson()).RootElement));

    [Fact]
    public void The_schema_check_rejects_what_eks_rejects()
    {
        var bad = JsonDocument.Parse("""{"mode": "ipvs", "ipvs": {"scheduler": "rr", "tcpTimeout": "900s"}, "iptables": {"masqueradeAll": true}}""").RootElement;
        Assert.Equal(["$.ipvs: additional property 'tcpTimeout' is not allowed", "$: additional property 'iptables' is not allowed"],
            JsonSchema.Errors(KubeProxySchema, bad));
        Assert.Equal(["$.mode: \"userspace\" is not one of [\"iptables\",\"ipvs\"]"],
            JsonSchema.Errors(KubeProxySchema, JsonDocument.Parse("""{"mode": "userspace"}""").RootElement));
    }

    /// <summary>Why the validator warns about nftables on the add-on: the newest published schema refuses it.</summary>
    [Fact]
    public void Nftables_values_are_refused_by_the_newest_published_add_on_schema() =>
        Assert.Equal(["$.mode: \"nftables\" is not one of [\"iptables\",\"ipvs\"]"],
            JsonSchema.Errors(KubeProxySchema, JsonDocument.Parse(KubeProxyConfig.For(Valid(("proxyMode", "nftables"))).ToJson()).RootElement));

    [Fact]
    public void The_rollout_annotation_changes_exactly_when_mode_or_scheduler_does()
    {
        string Annotation(params (string, string)[] config) => KubeProxyConfig.RolloutValue(Valid(config));
        var rr = Annotation();
        Assert.Equal("mode=ipvs,scheduler=rr", rr);
        Assert.Equal(rr, Annotation(("ipvsScheduler", "rr"), ("kubernetesVersion", "1.33"), ("natGateways", "single"), ("bandwidthPlugin", "false")));
        Assert.NotEqual(rr, Annotation(("ipvsScheduler", "wrr")));
        Assert.NotEqual(rr, Annotation(("proxyMode", "iptables")));
        Assert.NotEqual(Annotation(("proxyMode", "iptables")), Annotation(("proxyMode", "nftables")));
    }

    [Fact]
    public void Vpc_cni_values_carry_the_bandwidth_env_as_a_string()
    {
        Golden.Matches("vpc-cni/bandwidth.json", VpcCniConfig.For(Valid()).ToJson());
        Golden.Matches("vpc-cni/network-policy.json", VpcCniConfig.For(Valid(("bandwidthPlugin", "false"), ("networkPolicy", "true"))).ToJson());
        var env = JsonDocument.Parse(VpcCniConfig.For(Valid()).ToJson()).RootElement.GetProperty("env");
        Assert.Equal("true", env.GetProperty("ENABLE_BANDWIDTH_PLUGIN").GetString());
    }

    /// <summary>The env keys pulumi-eks v4.3.0 fills in whenever they are not given: copied from
    /// pulumi/pulumi-eks nodejs/eks/addons/cni-addon.ts (tag v4.3.0), computeEnv, the pushes without a condition
    /// (its `else` branches and WARM_ENI_TARGET's `?? 1`); keys it sets only when asked are not listed.</summary>
    private static readonly string[] PulumiEksDefaultedEnv =
    [
        "WARM_ENI_TARGET", "AWS_VPC_K8S_CNI_LOGLEVEL", "AWS_VPC_K8S_CNI_LOG_FILE", "AWS_VPC_K8S_CNI_VETHPREFIX",
        "AWS_VPC_ENI_MTU", "AWS_VPC_K8S_PLUGIN_LOG_LEVEL", "AWS_VPC_K8S_PLUGIN_LOG_FILE", "ENABLE_POD_ENI",
        "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "AWS_VPC_K8S_CNI_EXTERNALSNAT",
    ];

    /// <summary>Same file: computeEnv's initEnv, merged into init.env by mergeConfigurationValues.</summary>
    private static readonly string[] PulumiEksDefaultedInitEnv = ["DISABLE_TCP_EARLY_DEMUX"];

    [Theory]
    [InlineData("true", "false")]
    [InlineData("false", "true")]
    public void Vpc_cni_values_set_every_key_pulumi_eks_would_default(string bandwidth, string networkPolicy)
    {
        var values = JsonDocument.Parse(VpcCniConfig.For(Valid(("bandwidthPlugin", bandwidth), ("networkPolicy", networkPolicy))).ToJson()).RootElement;
        var env = values.GetProperty("env");
        Assert.All(PulumiEksDefaultedEnv, key => Assert.True(env.TryGetProperty(key, out _), $"env.{key} is left to pulumi-eks"));
        var initEnv = values.GetProperty("init").GetProperty("env");
        Assert.All(PulumiEksDefaultedInitEnv, key => Assert.True(initEnv.TryGetProperty(key, out _), $"init.env.{key} is left to pulumi-eks"));
        // mergeConfigurationValues adds enableNetworkPolicy only when it is missing.
        Assert.Equal(networkPolicy, values.GetProperty("enableNetworkPolicy").GetString());
        Assert.Equal(bandwidth, env.GetProperty("ENABLE_BANDWIDTH_PLUGIN").GetString());
        // Production logging, not pulumi-eks's DEBUG; every value a string, as the add-on's env takes them.
        Assert.Equal(("INFO", "INFO"), (env.GetProperty("AWS_VPC_K8S_CNI_LOGLEVEL").GetString(), env.GetProperty("AWS_VPC_K8S_PLUGIN_LOG_LEVEL").GetString()));
        Assert.All(env.EnumerateObject().Concat(initEnv.EnumerateObject()), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
    }

    [Fact]
    public void Values_for_pulumi_are_the_same_object_as_the_rendered_json()
    {
        var values = KubeProxyConfig.For(Valid(("ipvsScheduler", "sed")));
        Assert.Equal(values.ToCompactJson(), JsonSerializer.Serialize(values.ToDictionary()));
        Assert.Equal("""{"ipvs":{"scheduler":"sed"},"mode":"ipvs","podAnnotations":{"eks-ipvs/proxy-config":"mode=ipvs,scheduler=sed"}}""", values.ToCompactJson());
    }
}
