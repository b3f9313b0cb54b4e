namespace EksIpvs.Spec;

/// <summary>The vpc-cni add-on's configurationValues. With ENABLE_BANDWIDTH_PLUGIN aws-node itself chains the
/// bandwidth plugin every time it rewrites 10-aws.conflist, which it does on every start.</summary>
public static class VpcCniConfig
{
    public static AddonConfiguration For(ClusterSpec spec) => new(new Dictionary<string, object>
    {
        // The add-on takes strings, not booleans, for both.
        ["enableNetworkPolicy"] = spec.NetworkPolicy ? "true" : "false",
        ["env"] = new Dictionary<string, object> { ["ENABLE_BANDWIDTH_PLUGIN"] = spec.BandwidthPlugin ? "true" : "false" },
    });
}
