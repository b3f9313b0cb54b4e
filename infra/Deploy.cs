using EksIpvs.Core;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Network;
using EksIpvs.Core.Versions;
using Pulumi;
using Pulumi.Aws;
using Pulumi.Aws.Inputs;

namespace EksIpvs.Infra;

/// <summary>The stack: a function the tests can call under mocks, returning the stack outputs.</summary>
public static class Deploy
{
    public static async Task<IDictionary<string, object?>> Infra()
    {
        var spec = StackSpec.Read();

        // Local Zones and Wavelength Zones are left out: EKS control-plane subnets must be in regular zones.
        var zones = await GetAvailabilityZones.InvokeAsync(new GetAvailabilityZonesArgs
        {
            State = "available",
            Filters = { new GetAvailabilityZonesFilterArgs { Name = "opt-in-status", Values = { "opt-in-not-required" } } },
        });
        var partition = await GetPartition.InvokeAsync();
        if (ClusterAccess.PartitionErrors(spec, partition.Partition) is { Count: > 0 } partitionErrors)
        {
            throw new RunException(string.Join(Environment.NewLine, partitionErrors));
        }

        var network = new Network("network", new NetworkArgs(spec, ZonesFor(spec, zones.Names)));
        // The deploying identity administers the secrets key; an assumed-role session is resolved to its role,
        // path included, as terraform-aws-eks does (a key policy cannot name a session).
        var caller = await GetCallerIdentity.InvokeAsync();
        var deployer = await Pulumi.Aws.Iam.GetSessionContext.InvokeAsync(new Pulumi.Aws.Iam.GetSessionContextArgs { Arn = caller.Arn });
        var cluster = new EksCluster("cluster", new EksClusterArgs(spec, network,
            new DeployingIdentity(partition.Partition, caller.AccountId, deployer.IssuerArn)));
        var selfManagedKubeProxy = spec.KubeProxyManagement == KubeProxyManagement.SelfManaged
            ? new SelfManagedKubeProxy("kube-proxy", new SelfManagedKubeProxyArgs(spec, cluster))
            : null;
        if (spec.AccessEntries.Count > 0)
        {
            new ClusterAccessEntries("access", new ClusterAccessEntriesArgs(spec, cluster));
        }
        var nodes = new NodeGroups("nodes", new NodeGroupsArgs(spec, cluster, network, partition.Partition, selfManagedKubeProxy));
        // Order of a Kubernetes upgrade, by dependencies: the control plane and its kube-proxy and vpc-cni add-ons
        // (children of the Cluster component) → the node groups (they depend on the Cluster) → CoreDNS. A dependency
        // on the NodeGroups component is one on every child of it, each ManagedNodeGroup with all of its own
        // children (pulumi-dotnet Deployment_Prepare.cs, GetAllTransitivelyReferencedResources).
        var coreDns = new CoreDns("coredns", new CoreDnsArgs(spec, cluster, [nodes]));

        return new Dictionary<string, object?>
        {
            ["kubeconfig"] = Output.CreateSecret(cluster.Cluster.KubeconfigJson),
            ["clusterName"] = cluster.ClusterName,
            ["endpoint"] = cluster.Endpoint,
            ["oidcProviderArn"] = cluster.Cluster.OidcProviderArn,
            ["vpcId"] = network.VpcId,
            ["publicSubnetIds"] = network.PublicSubnetIds,
            ["privateSubnetIds"] = network.PrivateSubnetIds,
            ["nodeGroupNames"] = nodes.Names,
            // The CD workflow compares a change of kubernetesVersion with this (one minor at a time).
            ["kubernetesVersion"] = spec.KubernetesVersion,
            ["coreDnsVersion"] = coreDns.AddonVersion,
            ["proxyMode"] = spec.ProxyModeName,
            ["ipvsScheduler"] = spec.IpvsScheduler,
        };
    }

    /// <summary>The subnet plan in the region's zones; a region with too few zones ends the run with the spec's
    /// message alone (RunException prints no stack trace), before any resource exists.</summary>
    private static IReadOnlyList<(string Zone, ZoneSubnets Subnets)> ZonesFor(ClusterSpec spec, IReadOnlyList<string> available)
    {
        try
        {
            return spec.Subnets.InZones(available);
        }
        catch (InvalidOperationException e)
        {
            throw new RunException($"{spec.Project}:{e.Message}");
        }
    }
}
