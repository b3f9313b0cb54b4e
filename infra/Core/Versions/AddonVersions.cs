using System.Globalization;
using System.Text.RegularExpressions;

namespace EksIpvs.Core.Versions;

/// <summary>The three EKS add-ons whose versions the stack pins.</summary>
public enum EksAddon { KubeProxy, VpcCni, CoreDns }

/// <summary>One default: the add-on build this project installs on a Kubernetes minor unless the stack pins another.</summary>
/// <param name="Source">Where the version was read.</param>
/// <param name="Checked">The day the source was read (yyyy-MM-dd).</param>
public sealed record AddonVersionDefault(EksAddon Addon, int KubernetesMinor, string Version, string Source, string Checked);

/// <summary>The add-on versions one stack installs, each from addonVersions or the default table.</summary>
/// <param name="KubeProxy">Null when kube-proxy is not the EKS add-on (kubeProxyManagement selfManaged).</param>
public sealed record AddonVersionSet(string? KubeProxy, string VpcCni, string CoreDns);

/// <summary>
/// Add-on versions per Kubernetes minor: one table, updated by hand, so nothing but the stack file changes what
/// a cluster runs. pulumi-eks v4.3.0 otherwise asks EKS for the newest build on every run
/// (getAddonVersion mostRecent: true) and rolls every node the day AWS publishes one. A pinned default, not EKS's
/// own default (mostRecent: false), because that too moves when AWS changes it, and the offline render could not
/// show it. To update: read the three "Manage ..." pages of the EKS user guide, change the rows, re-run the tests.
/// </summary>
public static partial class AddonVersions
{
    private const string KubeProxyPage =
        "EKS user guide, Manage kube-proxy, table \"kube-proxy versions\" (docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md)";
    private const string KubeProxyPage130 =
        "EKS user guide, Manage kube-proxy, table \"kube-proxy versions\" (docs.amazonaws.cn/zh_cn/eks/latest/userguide/managing-kube-proxy.md; the newer copy lists 1.31 and later only)";
    private const string CoreDnsPage =
        "EKS user guide, Manage CoreDNS, table \"CoreDNS versions\" (docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md)";
    private const string VpcCniPage =
        "EKS user guide, Assign IPs to Pods with the Amazon VPC CNI, table \"Amazon VPC CNI versions\" (docs.aws.amazon.com/ja_jp/eks/latest/userguide/pod-networking.html; lists 1.27-1.33)";
    private const string VpcCniPublic =
        "NOT from AWS docs: the EKS user guide copies available when checked stop at 1.33. v1.21.1-eksbuild.1 is pinned beside " +
        "kube-proxy v1.34 and v1.35 builds in public Terraform found by code search, one noting it as describe-addon-versions' " +
        "default for 1.35; confirm with `aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version 1.34`";
    private const string Checked = "2026-11-29";

    /// <summary>The day the table was last checked against its sources.</summary>
    public static readonly DateOnly TableChecked = DateOnly.ParseExact(Checked, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<AddonVersionDefault> Defaults =
    [
        new(EksAddon.KubeProxy, 30, "v1.30.14-eksbuild.28", KubeProxyPage130, Checked),
        new(EksAddon.KubeProxy, 31, "v1.31.14-eksbuild.20", KubeProxyPage, Checked),
        new(EksAddon.KubeProxy, 32, "v1.32.13-eksbuild.16", KubeProxyPage, Checked),
        new(EksAddon.KubeProxy, 33, "v1.33.10-eksbuild.13", KubeProxyPage, Checked),
        new(EksAddon.KubeProxy, 34, "v1.34.6-eksbuild.13", KubeProxyPage, Checked),
        new(EksAddon.KubeProxy, 35, "v1.35.3-eksbuild.13", KubeProxyPage, Checked),
        new(EksAddon.KubeProxy, 36, "v1.36.0-eksbuild.14", KubeProxyPage, Checked),

        new(EksAddon.VpcCni, 30, "v1.20.1-eksbuild.3", VpcCniPage, Checked),
        new(EksAddon.VpcCni, 31, "v1.20.1-eksbuild.3", VpcCniPage, Checked),
        new(EksAddon.VpcCni, 32, "v1.20.1-eksbuild.3", VpcCniPage, Checked),
        new(EksAddon.VpcCni, 33, "v1.20.1-eksbuild.3", VpcCniPage, Checked),
        new(EksAddon.VpcCni, 34, "v1.21.1-eksbuild.1", VpcCniPublic, Checked),
        new(EksAddon.VpcCni, 35, "v1.21.1-eksbuild.1", VpcCniPublic, Checked),
        // 1.36: no source found; a stack on 1.36 pins addonVersions.vpcCni itself.

        new(EksAddon.CoreDns, 30, "v1.11.4-eksbuild.40", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 31, "v1.11.4-eksbuild.40", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 32, "v1.11.4-eksbuild.40", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 33, "v1.12.4-eksbuild.18", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 34, "v1.13.2-eksbuild.11", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 35, "v1.14.3-eksbuild.3", CoreDnsPage, Checked),
        new(EksAddon.CoreDns, 36, "v1.14.3-eksbuild.3", CoreDnsPage, Checked),
    ];

    public static readonly IReadOnlyList<EksAddon> All = [EksAddon.KubeProxy, EksAddon.VpcCni, EksAddon.CoreDns];

    /// <summary>The field of addonVersions that pins this add-on.</summary>
    public static string Key(EksAddon addon) => addon switch
    {
        EksAddon.KubeProxy => "kubeProxy",
        EksAddon.VpcCni => "vpcCni",
        _ => "coreDns",
    };

    /// <summary>The add-on's name in the EKS API.</summary>
    public static string EksName(EksAddon addon) => addon switch
    {
        EksAddon.KubeProxy => "kube-proxy",
        EksAddon.VpcCni => "vpc-cni",
        _ => "coredns",
    };

    /// <summary>The table's version for this add-on and Kubernetes minor, or null when the table has none.</summary>
    public static string? DefaultFor(EksAddon addon, int kubernetesMinor) =>
        Defaults.FirstOrDefault(d => d.Addon == addon && d.KubernetesMinor == kubernetesMinor)?.Version;

    /// <summary>The minors that have a default for this add-on, e.g. "1.30-1.35".</summary>
    public static string MinorsWithDefault(EksAddon addon)
    {
        var minors = Defaults.Where(d => d.Addon == addon).Select(d => d.KubernetesMinor).Order().ToList();
        return minors.Count == 0 ? "none" : $"1.{minors[0]}-1.{minors[^1]}";
    }

    /// <summary>EKS's spelling of an add-on version: v&lt;major&gt;.&lt;minor&gt;.&lt;patch&gt;-eksbuild.&lt;build&gt;.</summary>
    public static bool IsWellFormed(string version) => VersionPattern().IsMatch(version);

    /// <summary>The Kubernetes minor a kube-proxy build is for (v1.34.6-eksbuild.13: 34), or null if not a 1.x build.</summary>
    public static int? KubeProxyMinor(string version)
    {
        var match = VersionPattern().Match(version);
        return match.Success && match.Groups[1].Value == "1"
            ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)
            : null;
    }

    [GeneratedRegex(@"^v(\d+)\.(\d+)\.\d+-eksbuild\.\d+$")]
    private static partial Regex VersionPattern();
}
