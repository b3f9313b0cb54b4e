namespace EksIpvs.Spec;

/// <summary>The kube-proxy add-on's configurationValues. Only keys the add-on schema allows (mode, ipvs.scheduler):
/// every object there has additionalProperties false, so anything else is rejected by EKS at apply time.</summary>
public static class KubeProxyConfig
{
    public static AddonConfiguration For(ClusterSpec spec)
    {
        var values = new Dictionary<string, object> { ["mode"] = spec.ProxyModeName };
        if (spec.IpvsScheduler is { } scheduler)
        {
            values["ipvs"] = new Dictionary<string, object> { ["scheduler"] = scheduler };
        }
        return new AddonConfiguration(values);
    }
}
