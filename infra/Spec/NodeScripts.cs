namespace EksIpvs.Spec;

/// <summary>The files under infra/Spec/NodeScripts, embedded in this assembly: the program, the offline render
/// and the tests all use these same bytes.</summary>
public static class NodeScripts
{
    public static IReadOnlyList<string> Names =>
        typeof(NodeScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("NodeScripts/", StringComparison.Ordinal))
            .Select(n => n["NodeScripts/".Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Read(string name)
    {
        using var stream = typeof(NodeScripts).Assembly.GetManifestResourceStream($"NodeScripts/{name}")
            ?? throw new InvalidOperationException($"node script {name} is not embedded; it belongs in infra/Spec/NodeScripts");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
