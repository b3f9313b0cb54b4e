using System.Text.Json;

namespace EksIpvs.Core.Tests;

/// <summary>
/// A validator for the JSON Schema subset the EKS add-on schemas use ($ref into definitions, type (one or a list),
/// enum, properties, additionalProperties (false or a schema), required, items, anyOf, pattern, minimum, maximum;
/// default, title and description are annotations). Any other keyword fails the check rather than being ignored,
/// so a newer schema can't pass by accident.
/// </summary>
internal static class JsonSchema
{
    private static readonly HashSet<string> Understood =
        ["$ref", "$schema", "definitions", "type", "enum", "properties", "additionalProperties", "title", "description",
         "default", "required", "items", "anyOf", "pattern", "minimum", "maximum"];

    public static IReadOnlyList<string> Errors(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject().Select(p => p.Name).Where(k => !Understood.Contains(k)))
        {
            errors.Add($"{path}: schema keyword '{keyword}' is not supported by this checker");
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Replace("#/definitions/", "", StringComparison.Ordinal);
            Check(root, root.GetProperty("definitions").GetProperty(name), value, path, errors);
            return;
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => HasType(value, t)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", types)}, got {value.ValueKind}");
                return;
            }
        }
        if (schema.TryGetProperty("anyOf", out var anyOf) &&
            !anyOf.EnumerateArray().Any(option => { var e = new List<string>(); Check(root, option, value, path, e); return e.Count == 0; }))
        {
            errors.Add($"{path}: {value.GetRawText()} matches none of {anyOf.GetRawText()}");
        }
        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(c => JsonElement.DeepEquals(c, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {choices.GetRawText()}");
        }
        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out var pattern) &&
            !System.Text.RegularExpressions.Regex.IsMatch(value.GetString()!, pattern.GetString()!))
        {
            errors.Add($"{path}: {value.GetRawText()} does not match {pattern.GetRawText()}");
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble())
            {
                errors.Add($"{path}: {value.GetRawText()} is less than {minimum.GetRawText()}");
            }
            if (schema.TryGetProperty("maximum", out var maximum) && value.GetDouble() > maximum.GetDouble())
            {
                errors.Add($"{path}: {value.GetRawText()} is more than {maximum.GetRawText()}");
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(root, items, item, $"{path}[{index++}]", errors);
            }
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(r => !value.TryGetProperty(r, out _)))
            {
                errors.Add($"{path}: required property '{name}' is missing");
            }
        }
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(root, propertySchema, property.Value, $"{path}.{property.Name}", errors);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{path}: additional property '{property.Name}' is not allowed");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(root, additional, property.Value, $"{path}.{property.Name}", errors);
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "string" => value.ValueKind == JsonValueKind.String,
        "array" => value.ValueKind == JsonValueKind.Array,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
