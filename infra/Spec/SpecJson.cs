using System.Text.Encodings.Web;
using System.Text.Json;

namespace EksIpvs.Spec;

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
}
