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

    /// <param name="anchored">Top-level keys whose value carries a YAML anchor (base: &amp;base ...): a block kept
    /// there to be merged into config with &lt;&lt;: *base, ignored by Pulumi on purpose.</param>
    public static IEnumerable<ConfigIssue> Ignored(GoMap root, string project, IReadOnlySet<string> anchored)
    {
        foreach (var (key, value) in root.Entries.Where(e => !Read.Contains(e.Key, StringComparer.Ordinal) && !anchored.Contains(e.Key)))
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

    /// <summary>The top-level keys whose value has an anchor; none when the text is not YAML YamlDotNet can read
    /// (the Go reader reports that on its own).</summary>
    public static IReadOnlySet<string> Anchored(string text)
    {
        try
        {
            var yaml = new YamlDotNet.RepresentationModel.YamlStream();
            yaml.Load(new StringReader(text.StartsWith('\uFEFF') ? text[1..] : text));
            return yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlDotNet.RepresentationModel.YamlMappingNode map
                ? map.Children.Where(c => !c.Value.Anchor.IsEmpty && c.Key is YamlDotNet.RepresentationModel.YamlScalarNode)
                    .Select(c => ((YamlDotNet.RepresentationModel.YamlScalarNode)c.Key).Value!).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>();
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return new HashSet<string>();
        }
    }

    // "Config" and "confg" mean config:, "secretsProvider" means secretsprovider; "proxyMode" means a config key.
    private static bool IsTopLevelTypo(string key, string tag) => Suggestions.Distance(key.ToLowerInvariant(), tag) <= 2;
}
