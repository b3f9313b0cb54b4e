using EksIpvs.Core;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Versions;
using Pulumi;

namespace EksIpvs.Infra;

/// <param name="After">What must exist first: the node groups. CoreDNS's pods need nodes, and an EKS add-on
/// waits for ACTIVE (20 minutes by default), which it never reaches while its pods stay Pending.</param>
public sealed record CoreDnsArgs(ClusterSpec Spec, EksCluster Cluster, IReadOnlyList<Resource> After);

/// <summary>
/// CoreDNS as an EKS add-on, created after every node group, at the version and with the configuration values the
/// spec pins. Without it CoreDNS stays the Deployment EKS bootstrapped and is never upgraded (pulumi-eks creates
/// the add-on only with a default node group, Fargate or auto mode).
/// </summary>
public sealed class CoreDns : ComponentResource
{
    /// <summary>The explicit dependencies the add-on was registered with, for the tests.</summary>
    public IReadOnlyList<Resource> After { get; }

    [Output] public Output<string> AddonVersion { get; private set; }

    public CoreDns(string name, CoreDnsArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:CoreDns", name, options)
    {
        var spec = args.Spec;
        After = args.After;
        var addon = new Pulumi.Aws.Eks.Addon("coredns", new Pulumi.Aws.Eks.AddonArgs
        {
            ClusterName = args.Cluster.ClusterName,
            AddonName = AddonVersions.EksName(EksAddon.CoreDns),
            AddonVersion = spec.AddonVersions.CoreDns,
            ConfigurationValues = CoreDnsConfig.For(spec).ToCompactJson(),
            // OVERWRITE on create: the add-on takes over the Deployment EKS bootstrapped. PRESERVE on update: a field
            // someone changed in the cluster is kept, and the update does not fail on it; what this stack sets goes
            // through configurationValues and is applied either way.
            ResolveConflictsOnCreate = "OVERWRITE",
            ResolveConflictsOnUpdate = "PRESERVE",
            // Deleting the add-on (a replacement, or a destroy of this resource alone) leaves CoreDNS running.
            Preserve = true,
            Tags = new Dictionary<string, string>(spec.StackTags),
        }, new CustomResourceOptions { Parent = this, DependsOn = args.After.ToList() });

        AddonVersion = addon.AddonVersion;
        RegisterOutputs();
    }
}
