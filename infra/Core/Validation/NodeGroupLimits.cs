using System.Globalization;
using EksIpvs.Core.Nodes;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Validation;

/// <summary>Node-group rules that need the whole spec: what the group's nodes would receive must fit EC2's user
/// data limit, and a pinned AL2023 AMI release must be built for the cluster's Kubernetes version. Both would
/// otherwise fail at `pulumi up`, after the VPC and the control plane exist.</summary>
internal static class NodeGroupLimits
{
    /// <returns>False when a rule was broken (the errors are on <paramref name="read"/>).</returns>
    public static bool Check(Reader read, ClusterSpec spec)
    {
        var ok = true;
        for (var i = 0; i < spec.NodeGroups.Count; i++)
        {
            var group = spec.NodeGroups[i];
            var path = read.Qualified($"{ConfigKeys.NodeGroups.Name}[{i}]");
            var bytes = NodeBootstrap.For(spec, group).UserDataBytes;
            var limit = UserDataBudget.LimitFor(group);
            if (bytes > limit)
            {
                ok = false;
                var extra = group.ExtraUserData is { } e ? $", extraUserData {N(UserDataBudget.Bytes(e))} of them" : "";
                var labels = UserDataBudget.LabelsAndTaints(group);
                read.Error(group.ExtraUserData is null ? path : $"{path}.extraUserData", Reader.Display(group.Name),
                    $"node group {group.Name}: user data of {N(bytes)} bytes{extra} is over its limit of {N(limit)} bytes",
                    $"at most {N(limit)} bytes: EC2 takes {N(UserDataBudget.Ec2Limit)}, less {N(UserDataBudget.EksReserve)} for the NodeConfig EKS merges in" +
                    (labels > 0 ? $" and {N(labels)} for this group's labels and taints" : "") +
                    "; shorten extraUserData (or fetch a longer script from S3 in it)");
            }
            if (group.AmiReleaseVersion is { } release
                && AmiReleaseVersions.KubernetesMinor(group.OperatingSystem, release) is { } releaseMinor
                && SpecValidator.KubernetesMinor(spec.KubernetesVersion) is { } clusterMinor
                && releaseMinor != clusterMinor)
            {
                ok = false;
                read.Error($"{path}.amiReleaseVersion", Reader.Display(release),
                    $"an AMI release for Kubernetes 1.{releaseMinor}, but the cluster runs {spec.KubernetesVersion}",
                    $"a release of {spec.KubernetesVersion}, e.g. {spec.KubernetesVersion}.x-<yyyymmdd>, or no amiReleaseVersion (EKS's latest)");
            }
        }
        return ok;
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
