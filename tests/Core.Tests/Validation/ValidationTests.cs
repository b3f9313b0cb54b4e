using EksIpvs.Core.Validation;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>Every validation rule, with the exact message a user sees.</summary>
public class ValidationTests
{
    private const string Schedulers = "rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq";
    private const string CidrRule = "a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /20";

    [Fact]
    public void Defaults_make_an_ipvs_rr_cluster_with_bandwidth_and_a_private_endpoint()
    {
        var result = Validate();
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["eks-ipvs:proxyMode: " + IpvsDeprecated], result.Warnings.Select(w => w.ToString()));
        var spec = result.Spec!;
        Assert.Equal("eks-ipvs-test", spec.ClusterName);
        Assert.Equal("1.35", spec.KubernetesVersion);
        Assert.Equal(ProxyMode.Ipvs, spec.ProxyMode);
        Assert.Equal("rr", spec.IpvsScheduler);
        Assert.True(spec.BandwidthPlugin);
        Assert.False(spec.NetworkPolicy);
        Assert.True(spec.SecretsEncryption);
        Assert.True(spec.EndpointPrivateAccess);
        Assert.False(spec.EndpointPublicAccess);
        Assert.Equal(["api", "audit", "authenticator"], spec.ControlPlaneLogs);
        Assert.Equal(3, spec.AvailabilityZoneCount);
        Assert.Equal(NatGatewayMode.OnePerAz, spec.NatGateways);
        var group = Assert.Single(spec.NodeGroups);
        Assert.Equal(("general", "m6i.large", 2, 2, 4, 50), (group.Name, group.InstanceTypes.Single(), group.MinSize, group.DesiredSize, group.MaxSize, group.DiskSize));
        Assert.Equal((NodeOperatingSystem.AL2023, "AL2023_x86_64_STANDARD", "ON_DEMAND"), (group.OperatingSystem, group.AmiType, group.CapacityType));
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("lc")]
    [InlineData("wlc")]
    [InlineData("lblc")]
    [InlineData("lblcr")]
    [InlineData("sh")]
    [InlineData("dh")]
    [InlineData("sed")]
    [InlineData("nq")]
    public void Every_ipvs_scheduler_is_accepted(string scheduler) =>
        Assert.Equal(scheduler, Valid(("ipvsScheduler", scheduler)).IpvsScheduler);

    [Fact]
    public void Unknown_scheduler() =>
        Assert.Equal($"eks-ipvs:ipvsScheduler = \"rrr\": not an IPVS scheduler kube-proxy accepts; allowed: {Schedulers}",
            SingleError(("ipvsScheduler", "rrr")));

    [Fact]
    public void Scheduler_with_a_non_ipvs_mode() =>
        Assert.Equal("eks-ipvs:ipvsScheduler = \"wrr\": a scheduler applies only to proxyMode ipvs, but proxyMode is iptables; " +
                     "allowed: remove ipvsScheduler, or set proxyMode to ipvs",
            SingleError(("proxyMode", "iptables"), ("ipvsScheduler", "wrr")));

    [Fact]
    public void Non_ipvs_modes_have_no_scheduler()
    {
        Assert.Null(Valid(("proxyMode", "iptables")).IpvsScheduler);
        Assert.Null(Valid(("proxyMode", "nftables")).IpvsScheduler);
    }

    [Fact]
    public void Unknown_mode() =>
        Assert.Equal("eks-ipvs:proxyMode = \"userspace\": not one of the choices; allowed: ipvs, nftables, iptables",
            SingleError(("proxyMode", "userspace")));

    [Fact]
    public void Mode_in_the_wrong_case_says_choices_are_case_sensitive() =>
        Assert.Equal("eks-ipvs:proxyMode = \"IPVS\": not one of the choices (they are case-sensitive: ipvs); allowed: ipvs, nftables, iptables",
            SingleError(("proxyMode", "IPVS")));

    [Fact]
    public void Nftables_before_1_33() =>
        Assert.Equal("eks-ipvs:proxyMode = \"nftables\": kube-proxy's nftables mode needs Kubernetes 1.33 or later, but kubernetesVersion is 1.32; " +
                     "allowed: ipvs or iptables, or kubernetesVersion 1.33 or later",
            SingleError(("proxyMode", "nftables"), ("kubernetesVersion", "1.32")));

    [Fact]
    public void Ipvs_on_1_35_or_later_is_a_warning_not_an_error()
    {
        var result = Validate(("kubernetesVersion", "1.35"));
        Assert.True(result.IsValid);
        Assert.Equal("eks-ipvs:proxyMode: IPVS mode is deprecated upstream from Kubernetes 1.35 (KEP-5495) and kubernetesVersion is 1.35; " +
                     "advice: ipvs still works; plan a move to proxyMode nftables",
            Assert.Single(result.Warnings).ToString());
        Assert.Empty(Validate(("kubernetesVersion", "1.34")).Warnings);
        Assert.DoesNotContain(Validate(("kubernetesVersion", "1.36"), ("proxyMode", "nftables")).Warnings, w => w.Key == "eks-ipvs:proxyMode");
    }

    [Theory]
    [InlineData("1.3x")]
    [InlineData("v1.34")]
    [InlineData("1.34.2")]
    [InlineData("1")]
    public void Malformed_kubernetes_version(string version) =>
        Assert.Equal($"eks-ipvs:kubernetesVersion = \"{version}\": not a Kubernetes minor version; allowed: 1.<minor>, e.g. 1.34",
            SingleError(("kubernetesVersion", version)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0/16")]
    [InlineData("10.0.0.256/16")]
    [InlineData("ten/16")]
    public void Malformed_vpc_cidr(string cidr) =>
        Assert.Equal($"eks-ipvs:vpcCidr = \"{cidr}\": not an IPv4 CIDR; allowed: {CidrRule}", SingleError(("vpcCidr", cidr)));

    [Fact]
    public void Public_vpc_cidr() =>
        Assert.Equal($"eks-ipvs:vpcCidr = \"8.8.0.0/16\": not a private (RFC 1918) range; allowed: {CidrRule}",
            SingleError(("vpcCidr", "8.8.0.0/16")));

    [Fact]
    public void Vpc_cidr_too_small_for_the_subnets() =>
        Assert.Equal("eks-ipvs:vpcCidr = \"10.0.0.0/24\": too small for the subnet plan: each zone needs a private subnet of at least /23 " +
                     $"for nodes and pod IPs and a public one of at least /26; allowed: {CidrRule}",
            SingleError(("vpcCidr", "10.0.0.0/24")));

    [Fact]
    public void Vpc_cidr_larger_than_aws_allows() =>
        Assert.Equal($"eks-ipvs:vpcCidr = \"10.0.0.0/8\": larger than AWS allows for a VPC (at most /16); allowed: {CidrRule}",
            SingleError(("vpcCidr", "10.0.0.0/8")));

    [Fact]
    public void Vpc_cidr_with_host_bits() =>
        Assert.Equal("eks-ipvs:vpcCidr = \"10.1.2.0/16\": host bits are set; allowed: the network address, 10.1.0.0/16",
            SingleError(("vpcCidr", "10.1.2.0/16")));

    [Theory]
    [InlineData("172.31.0.0/16")]
    [InlineData("192.168.0.0/20")]
    [InlineData("10.200.0.0/18")]
    public void Private_vpc_cidrs_of_allowed_size(string cidr) => Assert.Equal(cidr, Valid(("vpcCidr", cidr)).VpcCidr.ToString());

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("0")]
    public void Zone_count_out_of_range(string count) =>
        Assert.Equal($"eks-ipvs:availabilityZoneCount = \"{count}\": out of range; allowed: 2 to 6 (EKS needs two zones; no region has more than six)",
            SingleError(("availabilityZoneCount", count)));

    [Fact]
    public void Zone_count_not_an_integer() =>
        Assert.Equal("eks-ipvs:availabilityZoneCount = \"three\": not an integer; allowed: a whole number",
            SingleError(("availabilityZoneCount", "three")));

    [Fact]
    public void Unknown_nat_mode() =>
        Assert.Equal("eks-ipvs:natGateways = \"perAz\": not one of the choices; allowed: onePerAz, single",
            SingleError(("natGateways", "perAz")));

    [Fact]
    public void Bandwidth_plugin_with_network_policy() =>
        Assert.Equal("eks-ipvs:networkPolicy = \"true\": VPC CNI network policy and the CNI bandwidth plugin both program tc on pod interfaces " +
                     "and break each other (aws/aws-network-policy-agent#68); allowed: networkPolicy false, or bandwidthPlugin false",
            SingleError(("networkPolicy", "true")));

    [Fact]
    public void Network_policy_without_bandwidth_is_fine() =>
        Assert.True(Valid(("networkPolicy", "true"), ("bandwidthPlugin", "false")).NetworkPolicy);

    [Fact]
    public void Boolean_must_be_true_or_false() =>
        Assert.Equal("eks-ipvs:bandwidthPlugin = \"yes\": not a boolean; allowed: true or false",
            SingleError(("bandwidthPlugin", "yes")));

    [Fact]
    public void Public_endpoint_needs_cidrs() =>
        Assert.Equal("eks-ipvs:endpointPublicAccessCidrs: empty while endpointPublicAccess is true; the API would be open to the whole internet by default; " +
                     "allowed: the CIDRs of your offices, VPNs and CI runners, e.g. [\"203.0.113.0/24\"] (\"0.0.0.0/0\" only if you mean it)",
            SingleError(("endpointPublicAccess", "true")));

    [Fact]
    public void Public_endpoint_open_to_the_world_is_a_warning()
    {
        var result = Validate(("endpointPublicAccess", "true"), ("endpointPublicAccessCidrs", "[\"0.0.0.0/0\"]"));
        Assert.True(result.IsValid);
        Assert.Equal("eks-ipvs:endpointPublicAccessCidrs = [\"0.0.0.0/0\"]: the Kubernetes API is reachable from the whole internet; " +
                     "advice: narrow it to the CIDRs that deploy and operate the cluster",
            Assert.Single(OtherWarnings(result)).ToString());
    }

    [Fact]
    public void Public_cidrs_without_public_access() =>
        Assert.Equal("eks-ipvs:endpointPublicAccessCidrs = [\"203.0.113.0/24\"]: set while endpointPublicAccess is false, so it would have no effect; " +
                     "allowed: an empty list, or endpointPublicAccess true",
            SingleError(("endpointPublicAccessCidrs", "[\"203.0.113.0/24\"]")));

    [Fact]
    public void Malformed_public_cidr() =>
        Assert.Equal("eks-ipvs:endpointPublicAccessCidrs = [\"203.0.113.7/33\"]: '203.0.113.7/33' is not an IPv4 network in CIDR notation; allowed: e.g. 203.0.113.0/24",
            SingleError(("endpointPublicAccess", "true"), ("endpointPublicAccessCidrs", "[\"203.0.113.7/33\"]")));

    [Fact]
    public void Endpoint_reachable_from_nowhere() =>
        Assert.Equal("eks-ipvs:endpointPublicAccess: the API endpoint would be reachable from nowhere (endpointPrivateAccess is false too); " +
                     "allowed: endpointPrivateAccess true, endpointPublicAccess true, or both",
            SingleError(("endpointPrivateAccess", "false")));

    [Fact]
    public void Unknown_control_plane_log_type() =>
        Assert.Equal("eks-ipvs:controlPlaneLogs = [\"api\",\"kubelet\"]: unknown log type 'kubelet'; allowed: api, audit, authenticator, controllerManager, scheduler",
            SingleError(("controlPlaneLogs", "[\"api\",\"kubelet\"]")));

    [Fact]
    public void Log_retention_must_be_one_cloudwatch_offers()
    {
        Assert.Equal("eks-ipvs:controlPlaneLogRetentionDays = \"45\": not a retention CloudWatch offers; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or 0 to keep logs for ever",
            SingleError(("controlPlaneLogRetentionDays", "45")));
        Assert.Equal(90, Valid().ControlPlaneLogRetentionDays);
        Assert.Equal(0, Valid(("controlPlaneLogRetentionDays", "0")).ControlPlaneLogRetentionDays);
    }

    [Fact]
    public void Invalid_cluster_name() =>
        Assert.Equal("eks-ipvs:clusterName = \"-bad name\": not a valid EKS cluster name; allowed: 1-100 letters, digits, - and _, starting with a letter or digit",
            SingleError(("clusterName", "-bad name")));

    [Fact]
    public void Reserved_tag_prefix() =>
        Assert.Equal("eks-ipvs:tags = {\"aws:owner\":\"me\"}: tag key 'aws:owner' is not allowed; allowed: 1-128 characters, not starting with aws:",
            SingleError(("tags", "{\"aws:owner\":\"me\"}")));

    [Fact]
    public void Tag_values_must_be_strings() =>
        Assert.Equal("eks-ipvs:tags[\"cost-center\"] = 42: not a string; allowed: a string value; quote it in YAML, e.g. \"true\"",
            SingleError(("tags", "{\"cost-center\":42}")));

    [Fact]
    public void Unknown_key_with_a_did_you_mean_hint() =>
        Assert.Equal("eks-ipvs:schedular = \"wrr\": unknown key; did you mean ipvsScheduler?; allowed: " + string.Join(", ", ConfigKeys.All.Select(k => k.Name)),
            SingleError(("schedular", "wrr")));

    [Theory]
    [InlineData("vpcCdir", "vpcCidr")]
    [InlineData("bandwithPlugin", "bandwidthPlugin")]
    [InlineData("nodegroups", "nodeGroups")]
    [InlineData("proxymode", "proxyMode")]
    public void Did_you_mean_finds_the_intended_key(string typo, string intended) =>
        Assert.Contains($"did you mean {intended}?", SingleError((typo, "x")));

    [Fact]
    public void Unknown_key_far_from_any_gives_no_hint() =>
        Assert.StartsWith("eks-ipvs:flavour = \"x\": unknown key; allowed: ", SingleError(("flavour", "x")));

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var result = Validate(("ipvsScheduler", "fifo"), ("vpcCidr", "8.8.8.0/24"), ("availabilityZoneCount", "9"),
            ("networkPolicy", "true"), ("schedular", "rr"));
        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        Assert.Equal(
        [
            "eks-ipvs:schedular",
            "eks-ipvs:vpcCidr",
            "eks-ipvs:vpcCidr",
            "eks-ipvs:availabilityZoneCount",
            "eks-ipvs:ipvsScheduler",
            "eks-ipvs:networkPolicy",
        ], result.Errors.Select(e => e.Key));
        var thrown = Assert.Throws<InvalidStackConfigException>(() => result.Require());
        Assert.StartsWith("stack config is invalid (6 errors):", thrown.Message);
        Assert.Equal(6, thrown.Errors.Count);
    }
}
