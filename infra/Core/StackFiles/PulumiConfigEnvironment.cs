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

    /// <summary>The variable that lists which keys of <see cref="Variable"/> are secrets (a JSON array of key names),
    /// read the same way by pulumi/pulumi-dotnet sdk/Pulumi/Deployment/Deployment_Config.cs ParseConfigSecretKeys.</summary>
    public const string SecretKeysVariable = "PULUMI_CONFIG_SECRET_KEYS";

    /// <summary>The keys of every namespace but the project's, fully qualified, with their values; a secret's value
    /// is replaced by <see cref="StackConfig.SecretValue"/> so it never reaches a message.</summary>
    public static IReadOnlyDictionary<string, string> OthersIn(string? json, string? secretKeysJson, string project)
    {
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return others;
        }
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(secretKeysJson))
        {
            using var secretKeys = JsonDocument.Parse(secretKeysJson);
            foreach (var element in secretKeys.RootElement.EnumerateArray())
            {
                secrets.Add(element.ToString().Replace(":config:", ":", StringComparison.Ordinal));
            }
        }
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var key = property.Name.Replace(":config:", ":", StringComparison.Ordinal);
            if (!key.StartsWith(project + ":", StringComparison.Ordinal))
            {
                others[key] = secrets.Contains(key) ? StackConfig.SecretValue : property.Value.ToString();
            }
        }
        return others;
    }
}
