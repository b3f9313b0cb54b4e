using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Network;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Validation;

/// <summary>
/// The one place stack config becomes a <see cref="ClusterSpec"/>. It runs before any resource is registered,
/// in `pulumi up` and in the offline tool alike, and reports every error at once.
/// </summary>
public static partial class SpecValidator
{
    public static readonly IReadOnlyList<string> Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq"];
    public static readonly IReadOnlyList<string> LogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

    /// <summary>The retention periods CloudWatch Logs accepts (0: never expire).</summary>
    public static readonly IReadOnlyList<int> LogRetentionDays =
        [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>kube-proxy's nftables mode is GA from this minor version (KEP-3866).</summary>
    public const int NftablesMinMinor = 33;

    /// <summary>IPVS mode is deprecated upstream from this minor version (KEP-5495).</summary>
    public const int IpvsDeprecatedMinor = 35;

    /// <param name="today">The day whose Kubernetes versions EKS offers; default today (UTC).</param>
    public static SpecResult Validate(StackConfig config, DateOnly? today = null)
    {
        var read = new Reader(config);
        read.RejectUnknownKeys();
        ConfigNamespaces.Check(read, config);

        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var version = read.String(ConfigKeys.KubernetesVersion);
        var minor = KubernetesMinor(version);
        if (minor is null)
        {
            read.Error(ConfigKeys.KubernetesVersion, "not a Kubernetes minor version", "1.<minor>, e.g. 1.34");
        }
        else
        {
            CheckKubernetesVersion(read, minor.Value, day);
        }

        var clusterName = read.String(ConfigKeys.ClusterName, $"{config.Project}-{config.Stack}");
        if (!ClusterNamePattern().IsMatch(clusterName))
        {
            read.Error(ConfigKeys.ClusterName, "not a valid EKS cluster name",
                "1-100 letters, digits, - and _, starting with a letter or digit", clusterName);
        }
        else if (clusterName.Length > StackRoles.MaxClusterNameLength)
        {
            read.Error(ConfigKeys.ClusterName,
                $"{clusterName.Length} characters: the stack's role {StackRoles.ClusterRoleName(clusterName)} would exceed IAM's {StackRoles.MaxRoleNameLength}-character limit",
                $"at most {StackRoles.MaxClusterNameLength} characters", clusterName);
        }
        var boundary = ValidatePermissionsBoundary(read);

        var vpcCidr = ValidateVpcCidr(read);
        var zones = read.Integer(ConfigKeys.AvailabilityZoneCount);
        if (zones is < SubnetPlan.MinZones or > SubnetPlan.MaxZones)
        {
            read.Error(ConfigKeys.AvailabilityZoneCount, "out of range",
                $"{SubnetPlan.MinZones} to {SubnetPlan.MaxZones} (EKS needs two zones; no region has more than six)");
        }

        var nat = read.Choice(ConfigKeys.NatGateways, new Dictionary<string, NatGatewayMode>
        {
            ["onePerAz"] = NatGatewayMode.OnePerAz,
            ["single"] = NatGatewayMode.Single,
        });

        var (privateAccess, publicAccess, publicCidrs) = ValidateEndpoint(read);
        var (mode, scheduler) = ValidateProxy(read, minor);
        var management = read.Choice(ConfigKeys.KubeProxyManagement, new Dictionary<string, KubeProxyManagement>
        {
            ["addon"] = KubeProxyManagement.Addon,
            ["selfManaged"] = KubeProxyManagement.SelfManaged,
        });
        if (management == KubeProxyManagement.SelfManaged && !publicAccess)
        {
            read.Warning(ConfigKeys.KubeProxyManagement,
                "selfManaged reads and patches kube-proxy through the Kubernetes API, whose endpoint is private",
                "run `pulumi up` from inside the VPC (or over VPN), or open endpointPublicAccess to the deploying CIDRs");
        }

        // No add-on defaults to look up for a version EKS does not offer: that error says it all.
        var addonVersions = AddonVersionReader.Read(read, read.IsValid(ConfigKeys.KubernetesVersion) ? minor : null, management, mode);

        var bandwidth = read.Boolean(ConfigKeys.BandwidthPlugin);
        var networkPolicy = read.Boolean(ConfigKeys.NetworkPolicy);
        if (bandwidth && networkPolicy)
        {
            read.Error(ConfigKeys.NetworkPolicy,
                "VPC CNI network policy and the CNI bandwidth plugin both program tc on pod interfaces and break each other " +
                "(aws/aws-network-policy-agent#68)",
                "networkPolicy false, or bandwidthPlugin false");
        }

        var logs = read.StringList(ConfigKeys.ControlPlaneLogs);
        foreach (var log in logs.Where(l => !LogTypes.Contains(l, StringComparer.Ordinal)).Distinct())
        {
            read.Error(ConfigKeys.ControlPlaneLogs, $"unknown log type '{log}'", string.Join(", ", LogTypes));
        }
        foreach (var log in logs.GroupBy(l => l).Where(g => g.Count() > 1))
        {
            read.Error(ConfigKeys.ControlPlaneLogs, $"'{log.Key}' is listed twice", "each log type once");
        }

        var retention = read.Integer(ConfigKeys.ControlPlaneLogRetentionDays);
        if (!LogRetentionDays.Contains(retention))
        {
            read.Error(ConfigKeys.ControlPlaneLogRetentionDays, "not a retention CloudWatch offers",
                string.Join(", ", LogRetentionDays.Where(d => d > 0)) + ", or 0 to keep logs for ever");
        }

        var tags = read.StringMap(ConfigKeys.Tags);
        ValidateTags(read, tags);

        var nodeGroups = NodeGroupReader.Read(read, config);

        var accessEntries = ClusterAccess.Read(read);
        AwsPartitions.CheckPrincipals(read, config.Region, accessEntries);
        if (boundary is not null)
        {
            AwsPartitions.CheckArn(read, config.Region, read.Qualified(ConfigKeys.PermissionsBoundaryArn.Name), boundary, "a permissions boundary");
        }

        var spec = read.Errors.Count > 0 ? null : new ClusterSpec
        {
            Project = config.Project,
            Stack = config.Stack,
            ClusterName = clusterName,
            KubernetesVersion = version,
            AddonVersions = addonVersions,
            VpcCidr = vpcCidr!.Value,
            AvailabilityZoneCount = zones,
            NatGateways = nat,
            EndpointPrivateAccess = privateAccess,
            EndpointPublicAccess = publicAccess,
            EndpointPublicAccessCidrs = publicCidrs,
            ProxyMode = mode,
            IpvsScheduler = scheduler,
            KubeProxyManagement = management,
            BandwidthPlugin = bandwidth,
            NetworkPolicy = networkPolicy,
            SecretsEncryption = read.Boolean(ConfigKeys.SecretsEncryption),
            ControlPlaneLogs = logs,
            ControlPlaneLogRetentionDays = retention,
            Tags = tags,
            NodeGroups = nodeGroups,
            AccessEntries = accessEntries,
            PermissionsBoundaryArn = boundary,
            Partition = config.Region is { } region ? AwsPartitions.Of(region) : AwsPartitions.Aws,
        };
        if (spec is not null && !NodeGroupLimits.Check(read, spec))
        {
            spec = null;
        }
        // Old tables only warn: a stack valid today must never be blocked by a table that fell behind.
        read.Warnings.AddRange(FactTables.Stale(spec is null ? FactTables.All : FactTables.UsedBy(spec), day));
        return new SpecResult(spec, read.Errors, read.Warnings);
    }

    /// <summary>The minor version of "1.NN", or null when the text is not of that form.</summary>
    public static int? KubernetesMinor(string version)
    {
        var match = KubernetesVersionPattern().Match(version);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static void CheckKubernetesVersion(Reader read, int minor, DateOnly today)
    {
        var key = ConfigKeys.KubernetesVersion;
        var table = $"(table of {KubernetesVersions.Date(KubernetesVersions.Checked)}, {KubernetesVersions.File})";
        switch (KubernetesVersions.SupportOn(minor, today))
        {
            case KubernetesSupport.NewerThanTable:
                // The table ages; EKS may offer a newer minor than it knows, so this cannot be an error.
                read.Warning(key,
                    $"1.{minor} is not in this project's table, checked on {KubernetesVersions.Date(KubernetesVersions.Checked)} " +
                    $"(newest row 1.{KubernetesVersions.Newest.Minor}, {KubernetesVersions.File}); pulumi up will ask EKS for it",
                    $"if EKS does not offer 1.{minor} yet, pulumi up fails when it creates the cluster; to know now, run `aws eks describe-cluster-versions`, " +
                    $"and add a row to the table from {KubernetesVersions.UpdateFrom}");
                break;
            case KubernetesSupport.NotOffered:
                // An unquoted 1.30 reaches the program as "1.3": say so when that is the likely cause.
                var tenfold = KubernetesVersions.SupportOn(minor * 10, today) is KubernetesSupport.Standard or KubernetesSupport.Extended
                    ? $"; if the stack file says 1.{minor}0 unquoted, YAML read it as the number 1.{minor}: quote it, \"1.{minor}0\"" : "";
                read.Error(key, $"not a version EKS offers on {KubernetesVersions.Date(today)} {table}{tenfold}",
                    KubernetesVersions.Offered(today));
                break;
            case KubernetesSupport.Extended:
                var version = KubernetesVersions.Find(minor)!;
                read.Warning(key,
                    $"1.{minor} left EKS standard support on {KubernetesVersions.Date(version.EndOfStandardSupport)}: extended support costs extra per cluster hour " +
                    $"and ends on {KubernetesVersions.Date(version.EndOfExtendedSupport)} {table}",
                    $"a version in standard support: {KubernetesVersions.Offered(today, KubernetesSupport.Standard)}");
                break;
        }
    }

    private static Ipv4Cidr? ValidateVpcCidr(Reader read)
    {
        var key = ConfigKeys.VpcCidr;
        var text = read.String(key);
        const string allowed = "a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /20";
        if (!Ipv4Cidr.TryParse(text, out var cidr, out var hostBits))
        {
            read.Error(key, "not an IPv4 CIDR", allowed);
            return null;
        }
        var ok = true;
        if (hostBits)
        {
            read.Error(key, "host bits are set", $"the network address, {cidr}");
            ok = false;
        }
        if (!PrivateRanges.Any(range => range.Contains(cidr)))
        {
            read.Error(key, "not a private (RFC 1918) range", allowed);
            ok = false;
        }
        if (cidr.Prefix < SubnetPlan.LargestVpcPrefix)
        {
            read.Error(key, "larger than AWS allows for a VPC (at most /16)", allowed);
            ok = false;
        }
        else if (cidr.Prefix > SubnetPlan.SmallestVpcPrefix)
        {
            read.Error(key,
                $"too small for the subnet plan: each zone needs a private subnet of at least /{SubnetPlan.SmallestVpcPrefix + 3} " +
                $"for nodes and pod IPs and a public one of at least /{SubnetPlan.SmallestVpcPrefix + 6}",
                allowed);
            ok = false;
        }
        return ok ? cidr : null;
    }

    private static readonly Ipv4Cidr[] PrivateRanges =
    [
        new(0x0A000000, 8),  // 10.0.0.0/8
        new(0xAC100000, 12), // 172.16.0.0/12
        new(0xC0A80000, 16), // 192.168.0.0/16
    ];

    private static (bool Private, bool Public, IReadOnlyList<string> Cidrs) ValidateEndpoint(Reader read)
    {
        var privateAccess = read.Boolean(ConfigKeys.EndpointPrivateAccess);
        var publicAccess = read.Boolean(ConfigKeys.EndpointPublicAccess);
        var cidrs = read.StringList(ConfigKeys.EndpointPublicAccessCidrs);
        if (!privateAccess && !publicAccess)
        {
            read.Error(ConfigKeys.EndpointPublicAccess, "the API endpoint would be reachable from nowhere (endpointPrivateAccess is false too)",
                "endpointPrivateAccess true, endpointPublicAccess true, or both");
        }
        if (publicAccess && cidrs.Count == 0)
        {
            read.Error(ConfigKeys.EndpointPublicAccessCidrs, "empty while endpointPublicAccess is true; the API would be open to the whole internet by default",
                "the CIDRs of your offices, VPNs and CI runners, e.g. [\"203.0.113.0/24\"] (\"0.0.0.0/0\" only if you mean it)");
        }
        if (!publicAccess && cidrs.Count > 0)
        {
            read.Error(ConfigKeys.EndpointPublicAccessCidrs, "set while endpointPublicAccess is false, so it would have no effect",
                "an empty list, or endpointPublicAccess true");
        }
        foreach (var cidr in cidrs)
        {
            if (!Ipv4Cidr.TryParse(cidr, out var parsed, out var hostBits) || hostBits)
            {
                read.Error(ConfigKeys.EndpointPublicAccessCidrs, $"'{cidr}' is not an IPv4 network in CIDR notation", "e.g. 203.0.113.0/24");
            }
            else if (parsed.Prefix == 0 && publicAccess)
            {
                read.Warning(ConfigKeys.EndpointPublicAccessCidrs, "the Kubernetes API is reachable from the whole internet",
                    "narrow it to the CIDRs that deploy and operate the cluster");
            }
        }
        return (privateAccess, publicAccess, cidrs);
    }

    private static (ProxyMode Mode, string? Scheduler) ValidateProxy(Reader read, int? minor)
    {
        var mode = read.Choice(ConfigKeys.ProxyMode, new Dictionary<string, ProxyMode>
        {
            ["ipvs"] = ProxyMode.Ipvs,
            ["nftables"] = ProxyMode.Nftables,
            ["iptables"] = ProxyMode.Iptables,
        });
        var schedulerGiven = read.IsSet(ConfigKeys.IpvsScheduler);
        var scheduler = read.String(ConfigKeys.IpvsScheduler, "rr");
        if (!Schedulers.Contains(scheduler, StringComparer.Ordinal))
        {
            read.Error(ConfigKeys.IpvsScheduler, "not an IPVS scheduler kube-proxy accepts", string.Join(", ", Schedulers));
        }
        else if (schedulerGiven && mode != ProxyMode.Ipvs && read.IsValid(ConfigKeys.ProxyMode))
        {
            read.Error(ConfigKeys.IpvsScheduler, $"a scheduler applies only to proxyMode ipvs, but proxyMode is {ProxyModes.Name(mode)}",
                "remove ipvsScheduler, or set proxyMode to ipvs");
        }

        if (mode == ProxyMode.Nftables && minor < NftablesMinMinor)
        {
            read.Error(ConfigKeys.ProxyMode, $"kube-proxy's nftables mode needs Kubernetes 1.{NftablesMinMinor} or later, but kubernetesVersion is 1.{minor}",
                $"ipvs or iptables, or kubernetesVersion 1.{NftablesMinMinor} or later");
        }
        if (mode == ProxyMode.Ipvs && minor >= IpvsDeprecatedMinor)
        {
            read.Warning(ConfigKeys.ProxyMode,
                $"IPVS mode is deprecated upstream from Kubernetes 1.{IpvsDeprecatedMinor} (KEP-5495) and kubernetesVersion is 1.{minor}",
                "ipvs still works; plan a move to proxyMode nftables");
        }
        return (mode, mode == ProxyMode.Ipvs ? scheduler : null);
    }

    private static void ValidateTags(Reader read, IReadOnlyDictionary<string, string> tags)
    {
        if (StackTags.OnMostTaggedResource(tags) is var total and > StackTags.AwsLimit)
        {
            read.Error(ConfigKeys.Tags,
                $"{tags.Count} tags, and with the {StackTags.AddedByStack.Count} the stack adds ({string.Join(", ", StackTags.AddedByStack)} on the subnets) " +
                $"a resource would carry {total}, more than AWS's limit of {StackTags.AwsLimit} per resource",
                $"at most {StackTags.RoomForUserTags} tags of your own");
        }
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                read.Error(ConfigKeys.Tags, $"tag key '{key}' is not allowed", "1-128 characters, not starting with aws:");
            }
            else if (string.Equals(key, StackRoles.TagKey, StringComparison.OrdinalIgnoreCase))
            {
                read.Error(ConfigKeys.Tags, $"tag key '{key}' is the stack's own (its value is the cluster name; the deploy policy scopes by it)",
                    $"any other key");
            }
            if (value.Length > 256)
            {
                read.Error(ConfigKeys.Tags, $"the value of tag '{key}' is {value.Length} characters long", "at most 256 characters");
            }
        }
    }

    /// <summary>A customer managed policy's ARN (IAM User Guide, IAM identifiers: path and name characters).</summary>
    private static string? ValidatePermissionsBoundary(Reader read)
    {
        var key = ConfigKeys.PermissionsBoundaryArn;
        if (!read.IsSet(key))
        {
            return null;
        }
        var arn = read.String(key);
        if (!PolicyArnPattern().IsMatch(arn))
        {
            read.Error(key, "not the ARN of a customer managed policy",
                "arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:policy/[path/]<name>, e.g. arn:aws:iam::111122223333:policy/payments-boundary", arn);
            return null;
        }
        return arn;
    }

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:policy/([\w+=,.@-]+/)*[\w+=,.@-]{1,128}$")]
    private static partial Regex PolicyArnPattern();

    [GeneratedRegex(@"^1\.(\d{1,3})$")]
    private static partial Regex KubernetesVersionPattern();

    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")]
    private static partial Regex ClusterNamePattern();
}
