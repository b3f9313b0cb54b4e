using System.Text.RegularExpressions;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Fleet;

/// <summary>The stacks of a project: one Pulumi.&lt;stack&gt;.yaml per stack beside Pulumi.yaml.</summary>
public static partial class ProjectStacks
{
    [GeneratedRegex(@"^Pulumi\.(?<stack>[^/\\]+)\.yaml$", RegexOptions.CultureInvariant)]
    private static partial Regex StackFileName();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();

    /// <summary>The stack a root-level file name configures (Pulumi.prod.yaml: prod), or null.</summary>
    public static string? StackOf(string fileName)
    {
        var match = StackFileName().Match(fileName);
        return match.Success ? match.Groups["stack"].Value : null;
    }

    /// <summary>Every stack with a file in the project folder, in ordinal order.</summary>
    public static IReadOnlyList<string> Names(string projectDirectory) =>
        Directory.GetFiles(projectDirectory, "Pulumi.*.yaml")
            .Select(f => StackOf(Path.GetFileName(f)))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The stack's aws:region, read as `pulumi up` reads the file (<see cref="StackFile.Read"/>: namespaces,
    /// merge keys, YAML typing); the AWS provider's own key, which the spec validator leaves alone. A stack fanned
    /// out by CI must name its region: the runner has no default.</summary>
    /// <exception cref="StackFileException">The file is unreadable, or aws:region is unset or not a region name.</exception>
    public static string Region(string projectDirectory, string stack)
    {
        var region = StackFile.Read(projectDirectory, stack).PulumiConfig.GetValueOrDefault("aws:region")?.Text;
        if (region is null || !RegionName().IsMatch(region))
        {
            var issue = new ConfigIssue("aws:region", region is null ? null : Reader.Display(region),
                region is null ? "not set" : "not an AWS region name", "a region such as eu-west-1");
            throw new StackFileException($"Pulumi.{stack}.yaml: {issue}");
        }
        return region;
    }
}
