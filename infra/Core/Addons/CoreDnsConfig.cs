namespace EksIpvs.Core.Addons;

/// <summary>
/// The coredns add-on's configurationValues: only keys the add-on schema allows (replicaCount,
/// topologySpreadConstraints, podDisruptionBudget; `aws eks describe-addon-configuration --addon-name coredns`,
/// copy in tests/Core.Tests/data). EKS's own affinity (Linux nodes, replicas on different hosts) is left as it is.
/// </summary>
public static class CoreDnsConfig
{
    /// <summary>Two replicas, so a node or a zone lost keeps DNS answering.</summary>
    public const int Replicas = 2;

    public static AddonConfiguration For(ClusterSpec spec) => new(new Dictionary<string, object>
    {
        ["replicaCount"] = Replicas,
        // ScheduleAnyway, not DoNotSchedule: during a zone outage the lost zone still counts as a domain and a
        // hard constraint would leave the replacement replica Pending, i.e. DNS at half strength until it is back.
        ["topologySpreadConstraints"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["maxSkew"] = 1,
                ["topologyKey"] = "topology.kubernetes.io/zone",
                ["whenUnsatisfiable"] = "ScheduleAnyway",
                ["labelSelector"] = new Dictionary<string, object>
                {
                    ["matchLabels"] = new Dictionary<string, object> { ["k8s-app"] = "kube-dns" },
                },
            },
        },
        // The add-on's own PodDisruptionBudget: a node drain (node group upgrade) takes one replica at a time.
        ["podDisruptionBudget"] = new Dictionary<string, object>
        {
            ["enabled"] = true,
            ["maxUnavailable"] = 1,
        },
    });
}
