using EksIpvs.Core;
using EksIpvs.Core.Addons;
using Pulumi;
using Pulumi.Kubernetes.Apps.V1;
using Pulumi.Kubernetes.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Apps.V1;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace EksIpvs.Infra;

public sealed record SelfManagedKubeProxyArgs(ClusterSpec Spec, EksCluster Cluster);

/// <summary>
/// Only with kubeProxyManagement selfManaged: sets mode and scheduler in EKS's self-managed kube-proxy-config
/// ConfigMap (keeping every other setting of the live object) and stamps kube-proxy's pod template with the same
/// annotation the add-on path uses, so the DaemonSet rolls exactly when mode or scheduler changes. Node groups wait
/// for this, so on a new cluster there are no pods yet to roll.
/// </summary>
public sealed class SelfManagedKubeProxy : ComponentResource
{
    public SelfManagedKubeProxy(string name, SelfManagedKubeProxyArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:SelfManagedKubeProxy", name, options)
    {
        var spec = args.Spec;
        var provider = new Pulumi.Kubernetes.Provider("cluster", new Pulumi.Kubernetes.ProviderArgs
        {
            KubeConfig = args.Cluster.Cluster.KubeconfigJson,
            EnableServerSideApply = true,
        }, new CustomResourceOptions { Parent = this });

        var live = ConfigMap.Get("kube-proxy-config-live", $"{KubeProxyConfigMap.Namespace}/{KubeProxyConfigMap.Name}",
            new CustomResourceOptions { Parent = this, Provider = provider });

        // Another field manager (EKS's bootstrap) owns these fields: force is needed to take them over. Retained on
        // delete, because relinquishing "config" would leave kube-proxy without a configuration.
        var config = new ConfigMapPatch("kube-proxy-config", new ConfigMapPatchArgs
        {
            Metadata = Forced(KubeProxyConfigMap.Name),
            Data = { [KubeProxyConfigMap.Key] = live.Data.Apply(data => KubeProxyConfigMap.Rewrite(data, spec)) },
        }, new CustomResourceOptions { Parent = this, Provider = provider, RetainOnDelete = true });

        new DaemonSetPatch("kube-proxy", new DaemonSetPatchArgs
        {
            Metadata = Forced(KubeProxyConfigMap.DaemonSet),
            Spec = new DaemonSetSpecPatchArgs
            {
                Template = new PodTemplateSpecPatchArgs
                {
                    Metadata = new ObjectMetaPatchArgs
                    {
                        Annotations = { [KubeProxyConfig.RolloutAnnotation] = KubeProxyConfig.RolloutValue(spec) },
                    },
                },
            },
        }, new CustomResourceOptions { Parent = this, Provider = provider, RetainOnDelete = true, DependsOn = { config } });

        RegisterOutputs();
    }

    private static ObjectMetaPatchArgs Forced(string name) => new()
    {
        Name = name,
        Namespace = KubeProxyConfigMap.Namespace,
        Annotations = { ["pulumi.com/patchForce"] = "true" },
    };
}
