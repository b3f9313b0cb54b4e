using System.Text.RegularExpressions;

namespace EksIpvs.Core.Validation;

/// <summary>
/// The CPU architecture an EC2 instance type's name tells. AWS names a family series, generation, then options
/// (c7gn: series c, generation 7, options gn), and the option "g" means AWS Graviton processors, which are arm64;
/// series "a" (a1) is Graviton too. Everything else this reads is x86_64. Source: AWS "Amazon EC2 instance type
/// naming conventions" (docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html: "g – AWS Graviton
/// processors", "A – Powered by Arm-based AWS Graviton processors"), checked 2026-11-29; the Graviton families it
/// yields match aws/aws-graviton-getting-started (C6g[d], M6g[d], R6g[d], T4g, X2gd, C6gn, I4g, Im4gn, Is4gen, G5g,
/// C7g[d][n], M7g[d], R7g[d], R8g).
/// </summary>
public static partial class InstanceTypes
{
    /// <summary>The day the naming convention was last checked against its sources.</summary>
    public static readonly DateOnly Checked = new(2026, 11, 29);

    /// <summary>The architecture of the type, or null when its name does not tell (e.g. mac2-m2.metal, p6e-gb200.36xlarge).</summary>
    public static CpuArchitecture? ArchitectureOf(string instanceType)
    {
        var match = FamilyPattern().Match(instanceType);
        if (!match.Success || match.Groups["series"].Value == "mac")
        {
            return null;
        }
        return match.Groups["series"].Value == "a" || match.Groups["options"].Value.Contains('g', StringComparison.Ordinal)
            ? CpuArchitecture.Arm64
            : CpuArchitecture.X86_64;
    }

    // series letters, generation digits, option letters, an optional "-flex", then ".size".
    [GeneratedRegex(@"^(?<series>[a-z]+)(?<generation>[0-9]+)(?<options>[a-z]*)(-flex)?\.[a-z0-9-]+$")]
    private static partial Regex FamilyPattern();
}
