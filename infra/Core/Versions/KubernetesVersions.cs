using System.Globalization;

namespace EksIpvs.Core.Versions;

/// <summary>One Kubernetes minor version on EKS and the days its support ends (UTC; billing for extended support
/// starts on the day standard support ends).</summary>
public sealed record KubernetesVersion(int Minor, DateOnly EndOfStandardSupport, DateOnly EndOfExtendedSupport, string Source)
{
    public string Name => $"1.{Minor}";
}

/// <summary>Whether EKS offers a minor version on a given day.</summary>
public enum KubernetesSupport
{
    /// <summary>Not in the table, or past its end of extended support: EKS refuses to create the cluster.</summary>
    NotOffered,
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
    public static readonly DateOnly Checked = new(2026, 11, 29);

    private const string AwsCalendar =
        "AWS EKS user guide, \"Understand the Kubernetes version lifecycle on EKS\", Amazon EKS Kubernetes release calendar " +
        "(awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc)";

    private const string Announced135 =
        "endoflife.date/amazon-eks and the aws-samples EKS version calendar (verified 2026-04-24); not yet in the AWS calendar copy read";

    public static readonly IReadOnlyList<KubernetesVersion> All =
    [
        new(29, new(2025, 3, 23), new(2026, 3, 23), AwsCalendar),
        new(30, new(2025, 7, 23), new(2026, 7, 23), AwsCalendar),
        new(31, new(2025, 11, 26), new(2026, 11, 26), AwsCalendar),
        new(32, new(2026, 3, 23), new(2027, 3, 23), AwsCalendar),
        new(33, new(2026, 7, 29), new(2027, 7, 29), AwsCalendar),
        new(34, new(2026, 12, 2), new(2027, 12, 2), AwsCalendar),
        new(35, new(2027, 3, 27), new(2028, 3, 27), Announced135),
    ];

    public static KubernetesVersion? Find(int minor) => All.FirstOrDefault(v => v.Minor == minor);

    public static KubernetesSupport SupportOn(int minor, DateOnly day) => Find(minor) switch
    {
        null => KubernetesSupport.NotOffered,
        var v when day >= v.EndOfExtendedSupport => KubernetesSupport.NotOffered,
        var v when day >= v.EndOfStandardSupport => KubernetesSupport.Extended,
        _ => KubernetesSupport.Standard,
    };

    /// <summary>The versions offered on the day (or only those with the given support), newest first, with the day
    /// that support ends, e.g. "1.35 (standard support until 2027-03-27), 1.33 (extended support until 2027-07-29)".</summary>
    public static string Offered(DateOnly day, KubernetesSupport? only = null) => string.Join(", ", All
        .Where(v => SupportOn(v.Minor, day) != KubernetesSupport.NotOffered && (only is null || SupportOn(v.Minor, day) == only))
        .OrderByDescending(v => v.Minor)
        .Select(v => $"{v.Name} ({(SupportOn(v.Minor, day) == KubernetesSupport.Standard ? "standard" : "extended")} support until " +
            $"{(SupportOn(v.Minor, day) == KubernetesSupport.Standard ? v.EndOfStandardSupport : v.EndOfExtendedSupport).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"));

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
