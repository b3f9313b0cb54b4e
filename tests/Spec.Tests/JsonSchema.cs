using System.Text.Json;

namespace EksIpvs.Spec.Tests;

/// <summary>
/// A validator for the JSON Schema subset the EKS add-on schemas use ($ref into definitions, type, enum,
/// properties, additionalProperties). Any other keyword fails the check rather than being ignored, so a newer
/// schema can't pass by accident.
/// </summary>
internal static class JsonSchema
{
    private static readonly HashSet<string> Understood =
        ["$ref", "$schema", "definitions", "type", "enum", "properties", "additionalProperties", "title", "description"];

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
        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
        {
            errors.Add($"{path}: expected {type.GetString()}, got {value.ValueKind}");
            return;
        }
        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(c => JsonElement.DeepEquals(c, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {choices.GetRawText()}");
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(root, propertySchema, property.Value, $"{path}.{property.Name}", errors);
            }
            else if (closed)
            {
                errors.Add($"{path}: additional property '{property.Name}' is not allowed");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "string" => value.ValueKind == JsonValueKind.String,
        "array" => value.ValueKind == JsonValueKind.Array,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" or "integer" => value.ValueKind == JsonValueKind.Number,
        _ => false,
    };
}
