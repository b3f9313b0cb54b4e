using System.Text.Json;

namespace EksIpvs.Core.StackFiles;

/// <summary>Pulumi's .NET SDK offers no way to list config keys, yet a typo such as "schedular" must be caught.
/// The language host passes the stack's config to the program as JSON in PULUMI_CONFIG (the SDK's own
/// Deployment reads it the same way); this reads the key names of the project's namespace from it.</summary>
public static class PulumiConfigEnvironment
{
    public const string Variable = "PULUMI_CONFIG";

    public static IReadOnlySet<string> KeysIn(string? json, string project)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return keys;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            // Older CLIs write "project:config:key"; the SDK folds that to "project:key", and so do we.
            var key = property.Name.Replace(":config:", ":", StringComparison.Ordinal);
            if (key.StartsWith(project + ":", StringComparison.Ordinal))
            {
                keys.Add(key[(project.Length + 1)..]);
            }
        }
        return keys;
    }
}
