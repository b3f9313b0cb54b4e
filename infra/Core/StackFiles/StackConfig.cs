namespace EksIpvs.Core.StackFiles;

/// <summary>The raw config of one stack: every key set in the project's namespace, without the
/// "project:" prefix, with its value as Pulumi hands it to a program (structured values as JSON text).</summary>
public sealed record StackConfig(string Project, string Stack, IReadOnlyDictionary<string, string> Values)
{
    public string Qualified(string key) => $"{Project}:{key}";
}
