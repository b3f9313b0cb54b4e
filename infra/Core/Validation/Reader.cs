using System.Globalization;
using System.Text.Json;
using EksIpvs.Core.StackFiles;

namespace EksIpvs.Core.Validation;

/// <summary>Typed access to a stack's raw config that records, instead of throwing, every value it cannot use.
/// Each read returns a usable value (the default when the given one is bad) so validation can go on.</summary>
internal sealed class Reader(StackConfig config)
{
    private readonly HashSet<string> _unusable = new(StringComparer.Ordinal);

    public List<ConfigIssue> Errors { get; } = [];
    public List<ConfigIssue> Warnings { get; } = [];

    public string Qualified(string path) => config.Qualified(path);

    public bool IsSet(ConfigKey key) => config.Values.ContainsKey(key.Name);

    /// <summary>False when the key's value was rejected, so rules that combine keys do not pile on.</summary>
    public bool IsValid(ConfigKey key) => !_unusable.Contains(key.Name);

    public void RejectUnknownKeys()
    {
        var known = ConfigKeys.All.Select(k => k.Name).ToList();
        foreach (var (key, value) in config.Values.Where(kv => !known.Contains(kv.Key, StringComparer.Ordinal)))
        {
            Errors.Add(new ConfigIssue(Qualified(key), Display(value), UnknownKeyProblem(key, known), string.Join(", ", known)));
        }
    }

    public static string UnknownKeyProblem(string key, IEnumerable<string> known)
    {
        var suggestion = Suggestions.Closest(key, known);
        return suggestion is null ? "unknown key" : $"unknown key; did you mean {suggestion}?";
    }

    public string String(ConfigKey key, string? fallback = null) =>
        config.Values.TryGetValue(key.Name, out var value) ? value : key.Default ?? fallback ?? "";

    public int Integer(ConfigKey key)
    {
        var text = String(key);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        Error(key, "not an integer", "a whole number");
        return int.Parse(key.Default!, CultureInfo.InvariantCulture);
    }

    public bool Boolean(ConfigKey key)
    {
        // Pulumi's Config.GetBoolean takes exactly these two spellings; so do we.
        switch (String(key))
        {
            case "true": return true;
            case "false": return false;
        }
        Error(key, "not a boolean", "true or false");
        return key.Default == "true";
    }

    public T Choice<T>(ConfigKey key, IReadOnlyDictionary<string, T> choices)
    {
        var text = String(key);
        if (choices.TryGetValue(text, out var value))
        {
            return value;
        }
        var close = choices.Keys.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
        Error(key, close is null ? "not one of the choices" : $"not one of the choices (they are case-sensitive: {close})",
            string.Join(", ", choices.Keys));
        return choices[key.Default!];
    }

    public IReadOnlyList<string> StringList(ConfigKey key)
    {
        var json = Json(key, JsonValueKind.Array, "a list of strings");
        if (json is not { } array)
        {
            return JsonSerializer.Deserialize<List<string>>(key.Default ?? "[]")!;
        }
        var items = array.EnumerateArray().ToList();
        if (items.Any(i => i.ValueKind != JsonValueKind.String))
        {
            Error(key, "has an item that is not a string", "a list of strings");
            return [];
        }
        return items.Select(i => i.GetString()!).ToList();
    }

    public IReadOnlyDictionary<string, string> StringMap(ConfigKey key)
    {
        var json = Json(key, JsonValueKind.Object, "a map of strings to strings");
        return json is { } map ? StringMap(map, Qualified(key.Name)) : new SortedDictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>A JSON object of string values; a number or boolean value is reported (quote it in YAML).</summary>
    public IReadOnlyDictionary<string, string> StringMap(JsonElement map, string qualifiedPath)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result[property.Name] = property.Value.GetString()!;
            }
            else
            {
                Errors.Add(new ConfigIssue($"{qualifiedPath}[\"{property.Name}\"]", property.Value.GetRawText(),
                    "not a string", "a string value; quote it in YAML, e.g. \"true\""));
            }
        }
        return result;
    }

    /// <summary>The key's value parsed as JSON of the given kind, the default when unset, or null (reported) when unusable.</summary>
    public JsonElement? Json(ConfigKey key, JsonValueKind kind, string allowed)
    {
        var text = String(key);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == kind)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Reported below as a value of the wrong shape.
        }
        Error(key, kind == JsonValueKind.Array ? "not a list" : "not a map", allowed);
        return null;
    }

    public void Error(ConfigKey key, string problem, string allowed, string? shownValue = null)
    {
        _unusable.Add(key.Name);
        Errors.Add(new ConfigIssue(Qualified(key.Name), shownValue is null ? ValueOf(key) : Display(shownValue), problem, allowed));
    }

    public void Error(string qualifiedPath, string? value, string problem, string allowed) =>
        Errors.Add(new ConfigIssue(qualifiedPath, value, problem, allowed));

    public void Warning(ConfigKey key, string problem, string advice) =>
        Warnings.Add(new ConfigIssue(Qualified(key.Name), ValueOf(key), problem, advice, IsWarning: true));

    public void Warning(string qualifiedPath, string? value, string problem, string advice) =>
        Warnings.Add(new ConfigIssue(qualifiedPath, value, problem, advice, IsWarning: true));

    /// <summary>The value as the user wrote it, or null when the key is unset.</summary>
    private string? ValueOf(ConfigKey key) =>
        config.Values.TryGetValue(key.Name, out var value) ? Display(value) : null;

    /// <summary>Strings are shown quoted; JSON structures as compact JSON.</summary>
    public static string Display(string raw)
    {
        var trimmed = raw.TrimStart();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(raw);
                return JsonSerializer.Serialize(document.RootElement, SpecJson.Compact);
            }
            catch (JsonException)
            {
                // Not JSON after all: show it as a string.
            }
        }
        return JsonSerializer.Serialize(raw, SpecJson.Compact);
    }
}
