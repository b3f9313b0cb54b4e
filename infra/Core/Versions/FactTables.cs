using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Versions;

/// <summary>One table of outside facts the project keeps by hand, and how to bring it up to date.</summary>
/// <param name="Name">What the table holds, e.g. "Kubernetes versions".</param>
/// <param name="File">The file whose rows (and checked date) to edit.</param>
/// <param name="Checked">The day the table was last compared with its sources.</param>
/// <param name="UpdateFrom">Where to read the facts again.</param>
public sealed record FactTable(string Name, string File, DateOnly Checked, string UpdateFrom);

/// <summary>
/// The fact tables, so the render summary can say how old each one it used is, and an old one earns a warning
/// that says how to update it. A stale table is only ever a warning: on the day it falls behind AWS, a stack
/// valid that day must not stop working (a Kubernetes minor newer than the table, for one, is passed to EKS).
/// </summary>
public static class FactTables
{
    /// <summary>A table older than this on the render day earns a warning.</summary>
    public const int MaxAgeDays = 90;

    public static readonly FactTable KubernetesVersionsTable = new("Kubernetes versions", KubernetesVersions.File,
        KubernetesVersions.Checked, KubernetesVersions.UpdateFrom);

    public static readonly FactTable AddonVersionsTable = new("add-on versions", "infra/Core/Versions/AddonVersions.cs",
        AddonVersions.TableChecked,
        "the EKS user guide's version tables (Manage kube-proxy, Manage CoreDNS, Assign IPs to Pods with the Amazon VPC CNI) " +
        "or `aws eks describe-addon-versions --addon-name <name> --kubernetes-version <version>`");

    public static readonly FactTable AmiReleaseFormats = new("AMI release version formats", "infra/Core/Versions/AmiReleaseVersions.cs",
        AmiReleaseVersions.Checked,
        "the release notes of awslabs/amazon-eks-ami and bottlerocket-os/bottlerocket, or the SSM parameters named in the file");

    public static readonly FactTable InstanceFamilies = new("instance family architectures", "infra/Core/Validation/InstanceTypes.cs",
        InstanceTypes.Checked,
        "AWS \"Amazon EC2 instance type naming conventions\" (docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html)");

    public static readonly IReadOnlyList<FactTable> All = [KubernetesVersionsTable, AddonVersionsTable, AmiReleaseFormats, InstanceFamilies];

    /// <summary>The tables a valid spec was judged or filled from.</summary>
    public static IReadOnlyList<FactTable> UsedBy(ClusterSpec spec)
    {
        var minor = SpecValidator.KubernetesMinor(spec.KubernetesVersion);
        var addons = spec.AddonVersions;
        bool FromTable(EksAddon addon, string? version) =>
            version is not null && minor is { } m && AddonVersions.DefaultFor(addon, m) == version;
        var used = new List<FactTable> { KubernetesVersionsTable };
        if (FromTable(EksAddon.KubeProxy, addons.KubeProxy) || FromTable(EksAddon.VpcCni, addons.VpcCni) || FromTable(EksAddon.CoreDns, addons.CoreDns))
        {
            used.Add(AddonVersionsTable);
        }
        if (spec.NodeGroups.Any(g => g.AmiReleaseVersion is not null))
        {
            used.Add(AmiReleaseFormats);
        }
        if (spec.NodeGroups.Count > 0)
        {
            used.Add(InstanceFamilies); // every group's instance types are checked against its architecture
        }
        return used;
    }

    /// <summary>Days between the table's check and the day.</summary>
    public static int AgeOn(FactTable table, DateOnly day) => day.DayNumber - table.Checked.DayNumber;

    /// <summary>A warning for each table older than <see cref="MaxAgeDays"/> on the day, saying how to update it.</summary>
    public static IEnumerable<ConfigIssue> Stale(IEnumerable<FactTable> tables, DateOnly day) => tables
        .Where(t => AgeOn(t, day) > MaxAgeDays)
        .Select(t => new ConfigIssue(t.File, null,
            $"this project's table of {t.Name} was checked on {KubernetesVersions.Date(t.Checked)}, {AgeOn(t, day)} days before " +
            $"{KubernetesVersions.Date(day)} (more than {MaxAgeDays}), so AWS may have moved on",
            $"re-read {t.UpdateFrom}; update the rows in {t.File}, each with its source, and the table's checked date",
            IsWarning: true));
}
