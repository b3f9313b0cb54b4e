namespace EksIpvs.Core.Validation;

/// <summary>Every key the project reads, with its default and meaning. Pulumi.yaml and the README's config
/// reference are checked against this list by the tests, so the three cannot drift apart.</summary>
public static class ConfigKeys
{
    public static readonly ConfigKey ClusterName = new("clusterName", ConfigType.String, null,
        "EKS cluster name. Default: <project>-<stack>.");
    public static readonly ConfigKey KubernetesVersion = new("kubernetesVersion", ConfigType.String, "1.35",
        "Kubernetes minor version of the control plane, e.g. 1.35.");
    public static readonly ConfigKey AddonVersions = new("addonVersions", ConfigType.StringMap, "{}",
        "EKS add-on versions {kubeProxy, vpcCni, coreDns}, each optional, e.g. v1.34.6-eksbuild.13. Unset ones come from the table in infra/Core/Versions/AddonVersions.cs for kubernetesVersion.");
    public static readonly ConfigKey VpcCidr = new("vpcCidr", ConfigType.String, "10.0.0.0/16",
        "Private IPv4 CIDR of the VPC, /16 to /20.");
    public static readonly ConfigKey AvailabilityZoneCount = new("availabilityZoneCount", ConfigType.Integer, "3",
        "How many availability zones get a public and a private subnet (2-6).");
    public static readonly ConfigKey NatGateways = new("natGateways", ConfigType.String, "onePerAz",
        "onePerAz (a NAT gateway in every zone, survives a zone outage) or single (cheaper, one zone).");
    public static readonly ConfigKey EndpointPrivateAccess = new("endpointPrivateAccess", ConfigType.Boolean, "true",
        "Kubernetes API reachable from inside the VPC.");
    public static readonly ConfigKey EndpointPublicAccess = new("endpointPublicAccess", ConfigType.Boolean, "false",
        "Kubernetes API reachable from the internet (only from endpointPublicAccessCidrs).");
    public static readonly ConfigKey EndpointPublicAccessCidrs = new("endpointPublicAccessCidrs", ConfigType.StringList, "[]",
        "CIDRs allowed to reach the public API endpoint; required when endpointPublicAccess is true.");
    public static readonly ConfigKey ProxyMode = new("proxyMode", ConfigType.String, "ipvs",
        "kube-proxy mode: ipvs, nftables (Kubernetes 1.33+) or iptables.");
    public static readonly ConfigKey IpvsScheduler = new("ipvsScheduler", ConfigType.String, null,
        "IPVS scheduler: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed or nq. Default rr; only with proxyMode ipvs.");
    public static readonly ConfigKey KubeProxyManagement = new("kubeProxyManagement", ConfigType.String, "addon",
        "addon (the EKS kube-proxy add-on, configured at creation) or selfManaged (EKS's self-managed DaemonSet; its kube-proxy-config ConfigMap is patched through the Kubernetes API).");
    public static readonly ConfigKey BandwidthPlugin = new("bandwidthPlugin", ConfigType.Boolean, "true",
        "Chain the CNI bandwidth plugin so kubernetes.io/ingress-bandwidth and egress-bandwidth pod annotations apply.");
    public static readonly ConfigKey NetworkPolicy = new("networkPolicy", ConfigType.Boolean, "false",
        "VPC CNI network policy enforcement. Cannot be combined with bandwidthPlugin.");
    public static readonly ConfigKey SecretsEncryption = new("secretsEncryption", ConfigType.Boolean, "true",
        "Envelope-encrypt Kubernetes secrets with a KMS key of the stack's own (rotation on).");
    public static readonly ConfigKey ControlPlaneLogs = new("controlPlaneLogs", ConfigType.StringList, """["api","audit","authenticator"]""",
        "Control-plane log types sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler.");
    public static readonly ConfigKey ControlPlaneLogRetentionDays = new("controlPlaneLogRetentionDays", ConfigType.Integer, "90",
        "Days CloudWatch keeps the control-plane logs: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or 0 for ever.");
    public static readonly ConfigKey AccessEntries = new("accessEntries", ConfigType.NodeGroupList, "[]",
        "IAM roles and users that may use the Kubernetes API: {principalArn, access: clusterAdmin|admin|edit|view, namespaces?}.");
    public static readonly ConfigKey PermissionsBoundaryArn = new("permissionsBoundaryArn", ConfigType.String, null,
        "ARN of the managed policy every IAM role the stack creates carries as its permissions boundary. Required when a pipeline deploys with the rendered deploy-policy.json; unset: no boundary.");
    public static readonly ConfigKey Tags = new("tags", ConfigType.StringMap, "{}",
        "Tags put on every AWS resource the stack creates.");
    public static readonly ConfigKey NodeGroups = new("nodeGroups", ConfigType.NodeGroupList, """[{"name":"general"}]""",
        "Managed node groups; see the node group fields below.");

    public static readonly IReadOnlyList<ConfigKey> All =
    [
        ClusterName, KubernetesVersion, AddonVersions, VpcCidr, AvailabilityZoneCount, NatGateways,
        EndpointPrivateAccess, EndpointPublicAccess, EndpointPublicAccessCidrs,
        ProxyMode, IpvsScheduler, KubeProxyManagement, BandwidthPlugin, NetworkPolicy,
        SecretsEncryption, ControlPlaneLogs, ControlPlaneLogRetentionDays, AccessEntries, PermissionsBoundaryArn, Tags, NodeGroups,
    ];

    /// <summary>Fields of one entry of <see cref="NodeGroups"/>.</summary>
    public static readonly IReadOnlyList<ConfigKey> NodeGroupFields =
    [
        new("name", ConfigType.String, null, "Required. At most 36 letters, digits, - and _; unique in the stack."),
        new("instanceTypes", ConfigType.StringList, null, "EC2 instance types. Default m6i.large (x86_64) or m7g.large (arm64)."),
        new("capacityType", ConfigType.String, "ON_DEMAND", "ON_DEMAND or SPOT."),
        new("minSize", ConfigType.Integer, "2", "Fewest nodes."),
        new("desiredSize", ConfigType.Integer, null, "Nodes at creation. Default minSize."),
        new("maxSize", ConfigType.Integer, null, "Most nodes. Default the larger of desiredSize and 4."),
        new("diskSize", ConfigType.Integer, "50", "Root volume size in GiB (20-16384)."),
        new("labels", ConfigType.StringMap, "{}", "Kubernetes node labels."),
        new("taints", ConfigType.NodeGroupList, "[]", "Kubernetes taints: {key, value, effect: NoSchedule|PreferNoSchedule|NoExecute}."),
        new("operatingSystem", ConfigType.String, "AL2023", "AL2023 or Bottlerocket."),
        new("architecture", ConfigType.String, "x86_64", "x86_64 or arm64."),
        new("extraUserData", ConfigType.String, null, "AL2023 only: a shell script run after this project's node setup, before kubelet starts. Counts against the 14,000-byte user data budget."),
        new("amiReleaseVersion", ConfigType.String, null, "EKS AMI release to pin, e.g. 1.34.2-20251112 (AL2023) or 1.50.0-0a1b2c3d (Bottlerocket). Default: EKS's latest when the group is created; nodes roll only when this or kubernetesVersion changes."),
        new("imdsHopLimit", ConfigType.Integer, "1", "Instance metadata hop limit: 1 keeps IMDS (and the node role's credentials) away from pods; 2 lets pods reach it."),
    ];
}
