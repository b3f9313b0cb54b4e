using System.Text.Encodings.Web;
using System.Text.Json;

namespace EksIpvs.Core;

/// <summary>One JSON style for everything the project renders or shows: readable, no needless escapes.</summary>
internal static class SpecJson
{
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 2,
    };

    /// <summary>An IAM policy document (key, role or deploy policy) of the given statements, as rendered files show it.</summary>
    public static string PolicyDocument(IEnumerable<Dictionary<string, object>> statements) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements.ToList() }, Indented) + "\n";
}
