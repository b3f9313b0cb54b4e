using System.Text.RegularExpressions;

namespace EksIpvs.Core.Versions;

/// <summary>
/// The release versions EKS takes in a managed node group's releaseVersion: the EKS-optimized AL2023 AMI's
/// "&lt;Kubernetes patch&gt;-&lt;build date&gt;" (e.g. 1.34.2-20251112, amazon-eks-ami release notes) and Bottlerocket's
/// "&lt;Bottlerocket version&gt;-&lt;commit&gt;" (e.g. 1.47.0-6154605b). Checked 2026-11-29.
/// </summary>
public static partial class AmiReleaseVersions
{
    /// <summary>The day the formats were last checked against their sources.</summary>
    public static readonly DateOnly Checked = new(2026, 11, 29);

    public static bool IsWellFormed(NodeOperatingSystem os, string version) =>
        (os == NodeOperatingSystem.Bottlerocket ? BottlerocketPattern() : Al2023Pattern()).IsMatch(version);

    public static string Format(NodeOperatingSystem os) => os == NodeOperatingSystem.Bottlerocket
        ? "a Bottlerocket release, <major>.<minor>.<patch>-<8 hex digits>, e.g. 1.47.0-6154605b (aws ssm get-parameter --name /aws/service/bottlerocket/aws-k8s-<version>/x86_64/latest/image_version)"
        : "an AL2023 EKS AMI release, <Kubernetes version>.<patch>-<yyyymmdd>, e.g. 1.34.2-20251112 (aws ssm get-parameter --name /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/x86_64/standard/recommended/release_version)";

    /// <summary>The Kubernetes minor an AL2023 release is built for ("1.34.2-20251112" → 34); null for Bottlerocket,
    /// whose release numbers are its own.</summary>
    public static int? KubernetesMinor(NodeOperatingSystem os, string version)
    {
        if (os == NodeOperatingSystem.Bottlerocket)
        {
            return null;
        }
        var match = Al2023Pattern().Match(version);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^1\.([0-9]{2})\.[0-9]{1,3}-20[0-9]{6}$")]
    private static partial Regex Al2023Pattern();

    [GeneratedRegex("^[0-9]+\\.[0-9]+\\.[0-9]+-[0-9a-f]{8}$")]
    private static partial Regex BottlerocketPattern();
}
