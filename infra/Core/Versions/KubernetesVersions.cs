using System.Globalization;

namespace EksIpvs.Core.Versions;

/// <summary>One Kubernetes minor version on EKS and the days its support ends (UTC; billing for extended support
/// starts on the day standard support ends).</summary>
/// <param name="Source">Where the row's dates were read.</param>
/// <param name="Checked">The day the row was last compared with its source.</param>
public sealed record KubernetesVersion(int Minor, DateOnly EndOfStandardSupport, DateOnly EndOfExtendedSupport, string Source, DateOnly Checked)
{
    public string Name => $"1.{Minor}";
}

/// <summary>Whether EKS offers a minor version on a given day.</summary>
public enum KubernetesSupport
{
    /// <summary>Older than the table's newest row and not in it, or past its end of extended support: EKS refuses
    /// to create the cluster.</summary>
    NotOffered,
    /// <summary>Newer than the table's newest row: the table may have fallen behind EKS, so only EKS can tell
    /// (at `pulumi up`); a stale table must not block a version EKS offers.</summary>
    NewerThanTable,
    Standard,
    /// <summary>Offered at an extra charge per cluster hour.</summary>
    Extended,
}

/// <summary>
/// The Kubernetes versions EKS offers, as plain data: update the rows (and <see cref="Checked"/>), never the logic.
/// A version is offered from its release until its end of extended support; after its end of standard support it
/// costs more. Other tables keyed by minor version (e.g. add-on versions) can join on <see cref="KubernetesVersion.Minor"/>.
/// </summary>
public static class KubernetesVersions
{
    /// <summary>The day the table was last checked against its sources.</summary>
    public static readonly DateOnly Checked = new(2026, 12, 2);

    public const string File = "infra/Core/Versions/KubernetesVersions.cs";

    /// <summary>Where to re-read the table when it ages.</summary>
    public const string UpdateFrom =
        "the \"Amazon EKS Kubernetes release calendar\" of the EKS user guide (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html) " +
        "or `aws eks describe-cluster-versions`";

    private const string AwsCalendar =
        "AWS EKS user guide, \"Understand the Kubernetes version lifecycle on EKS\", Amazon EKS Kubernetes release calendar " +
        "(awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc at 013856044148d6eeed4723027a45aa2180536bcb); " +
        "the same dates on endoflife.date/amazon-eks";

    private const string Announced135 =
        "endoflife.date/amazon-eks (1.35: EKS release 2026-01-28, end of support 2027-03-27, extended 2028-03-27) and the aws-samples " +
        "EKS version calendar (verified 2026-04-24); not in the AWS calendar copy read";

    private const string Offered136 =
        "offered: AWS EKS user guide, \"Review release notes for Kubernetes versions on standard support\" " +
        "(docs.aws.amazon.com/he_il/eks/latest/userguide/kubernetes-versions-standard.html: \"Kubernetes 1.36 is now available in Amazon EKS\"); " +
        "dates NOT from AWS: devopsdreams.blogspot.com/2026/08/kubernetes-136-on-amazon-eks-upgrade.html (EKS release 2026-06-02, standard " +
        "support through 2027-08-02); end of extended support is that plus AWS's 12 months; confirm with `aws eks describe-cluster-versions`";

    private static readonly DateOnly Read1202 = new(2026, 12, 2);

    // 1.37 (upstream 2026-08-26): no source found on 2026-12-02 shows EKS offering it; a stack may still ask for it,
    // with a warning (KubernetesSupport.NewerThanTable).
    public static readonly IReadOnlyList<KubernetesVersion> All =
    [
        new(29, new(2025, 3, 23), new(2026, 3, 23), AwsCalendar, Read1202),
        new(30, new(2025, 7, 23), new(2026, 7, 23), AwsCalendar, Read1202),
        new(31, new(2025, 11, 26), new(2026, 11, 26), AwsCalendar, Read1202),
        new(32, new(2026, 3, 23), new(2027, 3, 23), AwsCalendar, Read1202),
        new(33, new(2026, 7, 29), new(2027, 7, 29), AwsCalendar, Read1202),
        new(34, new(2026, 12, 2), new(2027, 12, 2), AwsCalendar, Read1202),
        new(35, new(2027, 3, 27), new(2028, 3, 27), Announced135, Read1202),
        new(36, new(2027, 8, 2), new(2028, 8, 2), Offered136, Read1202),
    ];

    /// <summary>The newest minor the table knows.</summary>
    public static KubernetesVersion Newest => All[^1];

    public static KubernetesVersion? Find(int minor) => All.FirstOrDefault(v => v.Minor == minor);

    public static KubernetesSupport SupportOn(int minor, DateOnly day) => Find(minor) switch
    {
        null when minor > Newest.Minor => KubernetesSupport.NewerThanTable,
        null => KubernetesSupport.NotOffered,
        var v when day >= v.EndOfExtendedSupport => KubernetesSupport.NotOffered,
        var v when day >= v.EndOfStandardSupport => KubernetesSupport.Extended,
        _ => KubernetesSupport.Standard,
    };

    /// <summary>The versions offered on the day (or only those with the given support), newest first, with the day
    /// that support ends, e.g. "1.35 (standard support until 2027-03-27), 1.33 (extended support until 2027-07-29)".</summary>
    public static string Offered(DateOnly day, KubernetesSupport? only = null) => string.Join(", ", All
        .Where(v => SupportOn(v.Minor, day) is KubernetesSupport.Standard or KubernetesSupport.Extended && (only is null || SupportOn(v.Minor, day) == only))
        .OrderByDescending(v => v.Minor)
        .Select(v => $"{v.Name} ({(SupportOn(v.Minor, day) == KubernetesSupport.Standard ? "standard" : "extended")} support until " +
            $"{(SupportOn(v.Minor, day) == KubernetesSupport.Standard ? v.EndOfStandardSupport : v.EndOfExtendedSupport).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"));

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
