using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Spec;

/// <summary>Reads Pulumi.yaml and Pulumi.&lt;stack&gt;.yaml the way the Pulumi CLI hands them to a program,
/// so the offline tool validates exactly what `pulumi up` would.</summary>
public static class StackFile
{
    /// <summary>Loads the project name from Pulumi.yaml and the stack's config from Pulumi.&lt;stack&gt;.yaml.</summary>
    /// <exception cref="StackFileException">A file is missing or is not valid YAML.</exception>
    public static StackConfig Load(string projectDirectory, string stack)
    {
        var projectFile = Path.Combine(projectDirectory, "Pulumi.yaml");
        var project = ReadMapping(projectFile);
        var name = Scalar(project, "name") ?? throw new StackFileException($"{projectFile}: no 'name' key");

        var stackFile = Path.Combine(projectDirectory, $"Pulumi.{stack}.yaml");
        if (!File.Exists(stackFile))
        {
            throw new StackFileException($"{stackFile} not found: create it with `pulumi stack init {stack}` or copy Pulumi.dev.yaml");
        }
        var stackRoot = ReadMapping(stackFile);
        return new StackConfig(name, stack, ConfigValues(stackRoot, name));
    }

    /// <summary>The "config:" entries of a stack file in the project's namespace, as Pulumi presents them.</summary>
    public static IReadOnlyDictionary<string, string> ConfigValues(YamlMappingNode stackRoot, string project)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!stackRoot.Children.TryGetValue(new YamlScalarNode("config"), out var config) || config is not YamlMappingNode entries)
        {
            return values;
        }
        var prefix = project + ":";
        foreach (var (keyNode, valueNode) in entries.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue; // aws:region and other providers' keys are theirs to check.
            }
            values[key[prefix.Length..]] = valueNode is YamlScalarNode scalar
                ? scalar.Value ?? ""
                : ToJson(valueNode)?.ToJsonString() ?? "null";
        }
        return values;
    }

    public static YamlMappingNode ReadMapping(string path)
    {
        if (!File.Exists(path))
        {
            throw new StackFileException($"{path} not found");
        }
        try
        {
            var yaml = new YamlStream();
            using var reader = new StreamReader(path);
            yaml.Load(reader);
            if (yaml.Documents.Count == 0)
            {
                return new YamlMappingNode();
            }
            return yaml.Documents[0].RootNode as YamlMappingNode
                ?? throw new StackFileException($"{path}: the top level must be a mapping");
        }
        catch (YamlException e)
        {
            throw new StackFileException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    /// <summary>YAML to JSON with YAML's core-schema typing for plain scalars, as Pulumi does.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => PlainScalar(plain.Value ?? ""),
        YamlScalarNode quoted => JsonValue.Create(quoted.Value ?? ""),
        _ => null,
    };

    private static JsonNode? PlainScalar(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }
}

/// <summary>A project or stack file that cannot be read at all (before any key is validated).</summary>
public sealed class StackFileException(string message) : Exception(message);
