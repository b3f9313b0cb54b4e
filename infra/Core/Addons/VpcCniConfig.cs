namespace EksIpvs.Core.Addons;

/// <summary>
/// The vpc-cni add-on's configurationValues, owned in full. pulumi-eks v4.3.0 merges defaults of its own under
/// the given env (nodejs/eks/addons/cni-addon.ts, computeEnv and mergeConfigurationValues; given keys win), among
/// them DEBUG logging on every node. So every key it would default is set here, and the rendered vpc-cni.json is
/// exactly what EKS receives. With ENABLE_BANDWIDTH_PLUGIN aws-node itself chains the bandwidth plugin every time
/// it rewrites 10-aws.conflist, which it does on every start.
/// </summary>
public static class VpcCniConfig
{
    public static AddonConfiguration For(ClusterSpec spec) => new(new Dictionary<string, object>
    {
        // The add-on takes strings, not booleans, for all of these.
        ["enableNetworkPolicy"] = spec.NetworkPolicy ? "true" : "false",
        ["env"] = new Dictionary<string, object>
        {
            ["ENABLE_BANDWIDTH_PLUGIN"] = spec.BandwidthPlugin ? "true" : "false",
            // aws-node's own defaults are DEBUG for both (amazon-vpc-cni-k8s README); INFO keeps node logs readable.
            ["AWS_VPC_K8S_CNI_LOGLEVEL"] = "INFO",
            ["AWS_VPC_K8S_PLUGIN_LOG_LEVEL"] = "INFO",
            // The rest are aws-node's documented defaults, written down so no layer in between picks others.
            ["AWS_VPC_K8S_CNI_LOG_FILE"] = "/host/var/log/aws-routed-eni/ipamd.log",
            ["AWS_VPC_K8S_PLUGIN_LOG_FILE"] = "/var/log/aws-routed-eni/plugin.log",
            ["WARM_ENI_TARGET"] = "1",
            ["AWS_VPC_K8S_CNI_VETHPREFIX"] = "eni",
            ["AWS_VPC_ENI_MTU"] = "9001",
            ["ENABLE_POD_ENI"] = "false", // no security groups for pods
            ["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] = "false", // pods take IPs from the nodes' subnets
            ["AWS_VPC_K8S_CNI_EXTERNALSNAT"] = "false", // aws-node SNATs off-VPC traffic to the node's IP
        },
        // Only needed with ENABLE_POD_ENI (kubelet probes to pods with their own security groups).
        ["init"] = new Dictionary<string, object>
        {
            ["env"] = new Dictionary<string, object> { ["DISABLE_TCP_EARLY_DEMUX"] = "false" },
        },
    });
}
