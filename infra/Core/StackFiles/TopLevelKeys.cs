using EksIpvs.Core.Validation;

namespace EksIpvs.Core.StackFiles;

/// <summary>
/// The top-level keys of a stack file Pulumi reads. It decodes the file into its ProjectStack struct without
/// strict field checks, so any other key (a config key written above `config:`, or `Config:`) is dropped without
/// a word: the cluster would get a default the user did not choose. Each is named, with where it belongs.
/// </summary>
internal static class TopLevelKeys
{
    public const string DecidedBy =
        "pulumi/pulumi sdk/go/common/workspace/project.go ProjectStack (yaml tags secretsprovider, encryptedkey, encryptionsalt, config, environment), " +
        "read by loaders.go LoadProjectStackBytes (marshaller.Unmarshal, no strict fields)";

    /// <summary>The yaml tags of ProjectStack's fields.</summary>
    public static readonly IReadOnlyList<string> Read = ["secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment"];

    /// <summary>A value with a YAML anchor (base: &amp;base ...) is a block kept there to be merged into config with
    /// &lt;&lt;: *base, ignored by Pulumi on purpose, so it is not named.</summary>
    public static IEnumerable<ConfigIssue> Ignored(GoMap root, string project)
    {
        foreach (var (key, value) in root.Entries.Where(e => !Read.Contains(e.Key, StringComparer.Ordinal) && !e.Value.Anchored))
        {
            var text = PulumiConfigText.Of(value);
            var shown = text.Secret ? StackConfig.SecretValue : Reader.Display(text.Text);
            var topLevel = Suggestions.Closest(key, Read) is { } tag && !key.Contains(':', StringComparison.Ordinal) && IsTopLevelTypo(key, tag)
                ? tag : null;
            var advice = topLevel is not null
                ? $"{topLevel}, spelt exactly so (Pulumi reads only {string.Join(", ", Read)} at the top level)"
                : $"move it under config:, e.g. `config:` then `  {(key.Contains(':', StringComparison.Ordinal) ? key : $"{project}:{key}")}: ...` on the next line";
            yield return new ConfigIssue($"{key} (top level)", shown,
                $"at the top level of the stack file, outside config:, so Pulumi ignores it ({DecidedBy})", advice, IsWarning: true);
        }
    }

    // "Config" and "confg" mean config:, "secretsProvider" means secretsprovider; "proxyMode" means a config key.
    private static bool IsTopLevelTypo(string key, string tag) => Suggestions.Distance(key.ToLowerInvariant(), tag) <= 2;
}
