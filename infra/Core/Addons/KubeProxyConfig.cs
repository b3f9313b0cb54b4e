namespace EksIpvs.Core.Addons;

/// <summary>
/// The kube-proxy add-on's configurationValues. Only keys the add-on schema allows (mode, ipvs.scheduler,
/// podAnnotations): every object there but podAnnotations has additionalProperties false, so anything else is
/// rejected by EKS at apply time.
/// </summary>
public static class KubeProxyConfig
{
    /// <summary>Pod-template annotation whose value changes exactly when mode or scheduler does.</summary>
    /// <remarks>EKS rewrites kube-proxy's ConfigMap on a config change but leaves running pods on the old mode
    /// (aws/containers-roadmap#2849). A changed pod-template annotation makes the DaemonSet roll; an unchanged one
    /// (any other update, or a new cluster whose add-on exists before its first node) rolls nothing.</remarks>
    public const string RolloutAnnotation = "eks-ipvs/proxy-config";

    public static AddonConfiguration For(ClusterSpec spec)
    {
        var values = new Dictionary<string, object>
        {
            ["mode"] = spec.ProxyModeName,
            ["podAnnotations"] = new Dictionary<string, object> { [RolloutAnnotation] = RolloutValue(spec) },
        };
        if (spec.IpvsScheduler is { } scheduler)
        {
            values["ipvs"] = new Dictionary<string, object> { ["scheduler"] = scheduler };
        }
        return new AddonConfiguration(values);
    }

    /// <summary>"mode=ipvs,scheduler=rr" or "mode=nftables": readable in `kubectl get ds kube-proxy -o yaml`.</summary>
    public static string RolloutValue(ClusterSpec spec) =>
        spec.IpvsScheduler is { } scheduler ? $"mode={spec.ProxyModeName},scheduler={scheduler}" : $"mode={spec.ProxyModeName}";
}
