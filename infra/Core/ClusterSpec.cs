using EksIpvs.Core.Iam;
using EksIpvs.Core.Network;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core;

public enum ProxyMode { Ipvs, Nftables, Iptables }

public enum NatGatewayMode { OnePerAz, Single }

public enum KubeProxyManagement { Addon, SelfManaged }

public enum NodeOperatingSystem { AL2023, Bottlerocket }

public enum CpuArchitecture { X86_64, Arm64 }

/// <summary>The validated description of one cluster: everything `pulumi up` creates is decided here.</summary>
public sealed record ClusterSpec
{
    public required string Project { get; init; }
    public required string Stack { get; init; }
    public required string ClusterName { get; init; }
    public required string KubernetesVersion { get; init; }

    /// <summary>The kube-proxy, vpc-cni and CoreDNS add-on versions: pinned, never "the newest".</summary>
    public required AddonVersionSet AddonVersions { get; init; }
    public required Ipv4Cidr VpcCidr { get; init; }
    public required int AvailabilityZoneCount { get; init; }
    public required NatGatewayMode NatGateways { get; init; }
    public required bool EndpointPrivateAccess { get; init; }
    public required bool EndpointPublicAccess { get; init; }
    public required IReadOnlyList<string> EndpointPublicAccessCidrs { get; init; }
    public required ProxyMode ProxyMode { get; init; }

    /// <summary>The IPVS scheduler; null unless <see cref="ProxyMode"/> is IPVS.</summary>
    public required string? IpvsScheduler { get; init; }

    /// <summary>Whether kube-proxy is the EKS add-on (configured at creation) or EKS's self-managed DaemonSet.</summary>
    public required KubeProxyManagement KubeProxyManagement { get; init; }
    public required bool BandwidthPlugin { get; init; }
    public required bool NetworkPolicy { get; init; }
    public required bool SecretsEncryption { get; init; }
    public required IReadOnlyList<string> ControlPlaneLogs { get; init; }

    /// <summary>CloudWatch retention of the control-plane logs; 0 keeps them for ever.</summary>
    public required int ControlPlaneLogRetentionDays { get; init; }

    /// <summary>The log group EKS writes control-plane logs to. Created by the stack first, so it has a retention
    /// (EKS would create it with none, keeping every log for ever).</summary>
    public string ControlPlaneLogGroupName => $"/aws/eks/{ClusterName}/cluster";
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
    public required IReadOnlyList<NodeGroupSpec> NodeGroups { get; init; }

    /// <summary>The managed policy every role the stack creates carries as its permissions boundary; null: none
    /// (an administrator's laptop needs none; a pipeline deploying with the rendered deploy policy does).</summary>
    public string? PermissionsBoundaryArn { get; init; }

    /// <summary>The AWS partition of aws:region (aws when the stack file names no region), for the policies render
    /// writes; `pulumi up` takes the partition from the provider (infra/Deploy.cs).</summary>
    public string Partition { get; init; } = AwsPartitions.Aws;

    /// <summary>The user's tags and the stack tag, which the deploy policy scopes EC2, KMS, EKS and IAM by.</summary>
    public IReadOnlyDictionary<string, string> StackTags =>
        new Dictionary<string, string>(Tags) { [StackRoles.TagKey] = ClusterName };

    /// <summary>Who may use the Kubernetes API besides the creator (EKS access entries).</summary>
    public IReadOnlyList<AccessEntrySpec> AccessEntries { get; init; } = [];

    public SubnetPlan Subnets => SubnetPlan.For(VpcCidr, AvailabilityZoneCount);

    /// <summary>The zones (by index) that hold a NAT gateway.</summary>
    public IReadOnlyList<int> NatGatewayZones =>
        NatGateways == NatGatewayMode.Single ? [0] : Enumerable.Range(0, AvailabilityZoneCount).ToList();

    /// <summary>The zone whose NAT gateway a zone's private subnet routes through: its own, or the single one.</summary>
    public int NatGatewayZoneFor(int zone) => NatGateways == NatGatewayMode.Single ? 0 : zone;

    /// <summary>The Name of a node group's AWS resources (the group, its launch template, instances, volumes).</summary>
    public string NodeGroupResourceName(NodeGroupSpec group) => $"{ClusterName}-{group.Name}";

    /// <summary>The stack's tags plus a Name and any role tags, for one AWS resource.</summary>
    public Dictionary<string, string> TagsNamed(string name, params (string Key, string Value)[] extra)
    {
        var tags = new Dictionary<string, string>(StackTags) { ["Name"] = name };
        foreach (var (key, value) in extra)
        {
            tags[key] = value;
        }
        return tags;
    }

    /// <summary>The mode as kube-proxy and the add-on spell it.</summary>
    public string ProxyModeName => ProxyModes.Name(ProxyMode);
}

public sealed record NodeGroupSpec
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> InstanceTypes { get; init; }

    /// <summary>ON_DEMAND or SPOT, as EKS spells it.</summary>
    public required string CapacityType { get; init; }
    public required int MinSize { get; init; }
    public required int DesiredSize { get; init; }
    public required int MaxSize { get; init; }
    public required int DiskSize { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyList<NodeTaint> Taints { get; init; }
    public required NodeOperatingSystem OperatingSystem { get; init; }
    public required CpuArchitecture Architecture { get; init; }
    public string? ExtraUserData { get; init; }

    /// <summary>The EKS AMI release the group is pinned to; null lets EKS take its latest when the group is created.</summary>
    public string? AmiReleaseVersion { get; init; }

    /// <summary>The instance metadata hop limit: 1 keeps IMDS from pods, 2 lets them reach it.</summary>
    public int ImdsHopLimit { get; init; } = 1;

    /// <summary>The EKS AMI type for this OS and architecture.</summary>
    public string AmiType => (OperatingSystem, Architecture) switch
    {
        (NodeOperatingSystem.AL2023, CpuArchitecture.X86_64) => "AL2023_x86_64_STANDARD",
        (NodeOperatingSystem.AL2023, CpuArchitecture.Arm64) => "AL2023_ARM_64_STANDARD",
        (NodeOperatingSystem.Bottlerocket, CpuArchitecture.X86_64) => "BOTTLEROCKET_x86_64",
        _ => "BOTTLEROCKET_ARM_64",
    };
}

/// <param name="Effect">The Kubernetes spelling: NoSchedule, PreferNoSchedule or NoExecute.</param>
public sealed record NodeTaint(string Key, string? Value, string Effect)
{
    /// <summary>The EKS API spelling of <see cref="Effect"/>: NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE.</summary>
    public string EksEffect => Effect switch
    {
        "NoSchedule" => "NO_SCHEDULE",
        "PreferNoSchedule" => "PREFER_NO_SCHEDULE",
        _ => "NO_EXECUTE",
    };
}

public static class ProxyModes
{
    public static string Name(ProxyMode mode) => mode switch
    {
        ProxyMode.Ipvs => "ipvs",
        ProxyMode.Nftables => "nftables",
        _ => "iptables",
    };
}
