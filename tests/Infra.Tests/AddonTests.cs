using System.Collections.Immutable;
using EksIpvs.Core.Addons;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>The add-ons under mocks: pinned versions handed to pulumi-eks, vpc-cni values equal to vpc-cni.json,
/// and CoreDNS as an aws.eks.Addon that depends on the node groups.</summary>
public class AddonTests
{
    [Fact]
    public async Task Kube_proxy_and_vpc_cni_get_the_tables_versions_never_the_newest()
    {
        var run = await With();
        var cluster = run.Single("eks:index:Cluster", "eks").Inputs;
        Assert.Equal("v1.35.3-eksbuild.13", Map(cluster["kubeProxyAddonOptions"])["version"]);
        Assert.Equal("v1.21.1-eksbuild.1", Map(cluster["vpcCniOptions"])["addonVersion"]);
        // CoreDNS is this program's own add-on; pulumi-eks must not make a second one.
        Assert.Equal(false, Map(cluster["corednsAddonOptions"])["enabled"]);
    }

    [Fact]
    public async Task Pinned_versions_pass_through()
    {
        var config = ("addonVersions", """{"kubeProxy": "v1.35.1-eksbuild.2", "vpcCni": "v1.21.1-eksbuild.5", "coreDns": "v1.12.4-eksbuild.1"}""");
        var run = await With(config);
        var cluster = run.Single("eks:index:Cluster", "eks").Inputs;
        Assert.Equal("v1.35.1-eksbuild.2", Map(cluster["kubeProxyAddonOptions"])["version"]);
        Assert.Equal("v1.21.1-eksbuild.5", Map(cluster["vpcCniOptions"])["addonVersion"]);
        Assert.Equal("v1.12.4-eksbuild.1", run.Single("aws:eks/addon:Addon", "coredns").Inputs["addonVersion"]);
    }

    [Fact]
    public async Task A_self_managed_kube_proxy_has_no_version_but_vpc_cni_keeps_its_own()
    {
        var run = await With(("kubeProxyManagement", "selfManaged"));
        var cluster = run.Single("eks:index:Cluster", "eks").Inputs;
        Assert.False(Map(cluster["kubeProxyAddonOptions"]).ContainsKey("version"));
        Assert.Equal("v1.21.1-eksbuild.1", Map(cluster["vpcCniOptions"])["addonVersion"]);
    }

    [Fact]
    public async Task CoreDns_is_an_eks_add_on_with_the_cores_values_overwrite_on_create_preserve_on_update()
    {
        var run = await With();
        var addon = run.Single("aws:eks/addon:Addon", "coredns").Inputs;
        Assert.Equal("coredns", addon["addonName"]);
        Assert.Equal("v1.14.3-eksbuild.3", addon["addonVersion"]);
        Assert.Equal(CoreDnsConfig.For(SpecFor()).ToCompactJson(), addon["configurationValues"]);
        Assert.Equal(("OVERWRITE", "PRESERVE"), (addon["resolveConflictsOnCreate"], addon["resolveConflictsOnUpdate"]));
        Assert.Equal(true, addon["preserve"]);
        Assert.Equal("1.35", run.Outputs["kubernetesVersion"]);
    }

    [Fact]
    public async Task CoreDns_depends_on_the_node_groups_and_registers_after_every_one()
    {
        var config = ("nodeGroups", """[{"name": "general"}, {"name": "batch"}, {"name": "arm", "architecture": "arm64"}]""");
        var run = await With(config);
        var nodes = Assert.Single(run.Resources.OfType<NodeGroups>());
        var coreDns = Assert.Single(run.Resources.OfType<CoreDns>());
        // A dependency on the NodeGroups component is one on each of its children, every ManagedNodeGroup with all
        // of its own children (pulumi-dotnet Deployment_Prepare.cs, GetAllTransitivelyReferencedResources).
        Assert.Same(nodes, Assert.Single(coreDns.After));
        Assert.Equal(3, run.Resources.OfType<Pulumi.Eks.ManagedNodeGroup>().Count());

        // So the add-on reaches the engine only once every group's registration has returned.
        var addonAt = run.Registered.FindIndex(r => r.Type == "aws:eks/addon:Addon" && r.Name == "coredns");
        var groupsAt = run.Registered.Select((r, i) => (r, i)).Where(x => x.r.Type == "eks:index:ManagedNodeGroup").Select(x => x.i).ToList();
        Assert.Equal(3, groupsAt.Count);
        Assert.All(groupsAt, i => Assert.True(i < addonAt, $"a node group registered at {i}, after CoreDNS at {addonAt}"));
    }
}
