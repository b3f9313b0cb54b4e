namespace EksIpvs.Core.StackFiles;

/// <summary>The raw config of one stack: every key set in the project's namespace, without the
/// "project:" prefix, with its value as Pulumi hands it to a program (structured values as JSON text).</summary>
public sealed record StackConfig(string Project, string Stack, IReadOnlyDictionary<string, string> Values)
{
    public string Qualified(string key) => $"{Project}:{key}";

    /// <summary>The keys of every other namespace, fully qualified ("aws:region"), with their values as text
    /// (secrets shown as "(secret)"): the program reads aws:region from here and names keys no one would read.</summary>
    public IReadOnlyDictionary<string, string> Others { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The stack's aws:region, or null when the stack file does not set it (or it is a secret).</summary>
    public string? Region => Others.TryGetValue("aws:region", out var region) && region != SecretValue ? region : null;

    /// <summary>How a secret value of another namespace is kept in <see cref="Others"/>: never in clear.</summary>
    public const string SecretValue = "(secret)";
}
