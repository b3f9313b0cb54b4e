namespace EksIpvs.Core.Nodes;

/// <summary>The files under infra/Core/Nodes/NodeScripts, embedded in this assembly: the program, the offline render
/// and the tests all use these same bytes.</summary>
public static class NodeScripts
{
    public static IReadOnlyList<string> Names =>
        typeof(NodeScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("NodeScripts/", StringComparison.Ordinal))
            .Select(n => n["NodeScripts/".Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The file as it is in the repository, comments and all.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(NodeScripts).Assembly.GetManifestResourceStream($"NodeScripts/{name}")
            ?? throw new InvalidOperationException($"node script {name} is not embedded; it belongs in infra/Core/Nodes/NodeScripts");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The file as a node receives it: comment-only and blank lines dropped (the interpreter line and shellcheck
    /// directives kept), everything else byte for byte. User data has to fit EC2's 16,384 bytes together with the
    /// NodeConfig EKS merges in, and the comments were a third of it. Dropping whole lines is safe for shell and
    /// systemd units alike as long as no multi-line string holds such a line; tests/node proves that for every
    /// script by comparing how bash parses both forms.
    /// </summary>
    public static string Compact(string name)
    {
        var unit = !name.EndsWith(".sh", StringComparison.Ordinal);
        var lines = Read(name).Split('\n');
        var kept = lines.Where((line, i) => Keeps(line, i == 0, unit));
        return string.Join('\n', kept).TrimEnd('\n') + "\n";
    }

    private static bool Keeps(string line, bool first, bool unit)
    {
        var text = line.TrimStart();
        if (text.Length == 0)
        {
            return false;
        }
        if (first && text.StartsWith("#!", StringComparison.Ordinal))
        {
            return true;
        }
        if (text.StartsWith("# shellcheck ", StringComparison.Ordinal))
        {
            return true;
        }
        // systemd takes both '#' and ';' as comment starters (systemd.syntax(7)).
        return !(text.StartsWith('#') || (unit && text.StartsWith(';')));
    }
}
