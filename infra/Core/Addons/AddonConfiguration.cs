using System.Text.Json;

namespace EksIpvs.Core.Addons;

/// <summary>The configurationValues object of an EKS add-on. Keys are kept sorted because pulumi-eks sorts them
/// before it sends the JSON, so the rendered file is byte for byte what the add-on receives.</summary>
public sealed class AddonConfiguration
{
    private readonly SortedDictionary<string, object> _values;

    public AddonConfiguration(IEnumerable<KeyValuePair<string, object>> values) =>
        _values = new SortedDictionary<string, object>(values.ToDictionary(), StringComparer.Ordinal);

    /// <summary>A fresh copy for Pulumi's InputMap&lt;object&gt;: nested maps as Dictionary, in sorted order.</summary>
    public Dictionary<string, object> ToDictionary() => Copy(_values);

    public string ToJson() => JsonSerializer.Serialize(ToDictionary(), SpecJson.Indented) + "\n";

    public string ToCompactJson() => JsonSerializer.Serialize(ToDictionary(), SpecJson.Compact);

    private static Dictionary<string, object> Copy(IEnumerable<KeyValuePair<string, object>> values) =>
        values.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => CopyValue(kv.Value));

    /// <summary>Maps inside lists (e.g. CoreDNS's topologySpreadConstraints) are sorted too.</summary>
    private static object CopyValue(object value) => value switch
    {
        IEnumerable<KeyValuePair<string, object>> nested => Copy(nested),
        object[] items => items.Select(CopyValue).ToArray(),
        _ => value,
    };
}
