using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EksIpvs.Core.StackFiles;

/// <summary>One config value as the Pulumi CLI hands it to the program: the text, whether it is (or holds) a secret,
/// and whether it is an object or list given as JSON text.</summary>
public sealed record PulumiConfigValue(string Text, bool Secret, bool Object);

/// <summary>
/// Turns a decoded stack-file value into the text a program receives, as Pulumi's config object does
/// (pulumi/pulumi sdk/go/common/resource/config/object.go MarshalString and unmarshalObject; value.go):
/// a boolean is "true"/"false", a number its JSON spelling (so `1.30` arrives as "1.3"), a timestamp Go's
/// time.Time.String(), null "", `{secure: v1:…}` a secret, and a map or list compact JSON from Go's
/// encoding/json (keys sorted, &lt; &gt; &amp; escaped).
/// </summary>
public static partial class PulumiConfigText
{
    public static PulumiConfigValue Of(GoValue value) => value switch
    {
        GoNull => new("", false, false),
        GoMap map when SecureCiphertext(map) is { } ciphertext => new(ciphertext, true, false),
        GoMap or GoList => new(Json(value), ContainsSecret(value), true),
        _ => new(Scalar(value), false, false),
    };

    /// <summary>A map of the single key "secure" with a string value is a secret (object.go isSecureValue).</summary>
    public static string? SecureCiphertext(GoMap map) =>
        map.Entries is [{ Key: "secure", Value: GoString s }] ? s.Value : null;

    private static bool ContainsSecret(GoValue value) => value switch
    {
        GoMap map when SecureCiphertext(map) is not null => true,
        GoMap map => map.Entries.Any(e => ContainsSecret(e.Value)),
        GoList list => list.Items.Any(ContainsSecret),
        _ => false,
    };

    /// <summary>The text of a scalar (not a map or list).</summary>
    /// <exception cref="PulumiYamlException">.nan or .inf: Go's JSON encoder refuses them, and so does Pulumi.</exception>
    public static string Scalar(GoValue value) => value switch
    {
        GoNull => "",
        GoBool b => b.Value ? "true" : "false",
        GoInt i => i.Value.ToString(CultureInfo.InvariantCulture),
        GoUint u => u.Value.ToString(CultureInfo.InvariantCulture),
        GoFloat f => GoJsonFloat(f),
        GoString s => s.Value,
        GoTime t => t.Text,
        _ => Json(value),
    };

    /// <summary>Go's json.Marshal of the value.</summary>
    public static string Json(GoValue value)
    {
        var text = new StringBuilder();
        WriteJson(text, value);
        return text.ToString();
    }

    private static void WriteJson(StringBuilder text, GoValue value)
    {
        switch (value)
        {
            case GoNull:
                text.Append("null");
                break;
            case GoString or GoTime:
                WriteJsonString(text, Scalar(value));
                break;
            case GoList list:
                text.Append('[');
                for (var i = 0; i < list.Items.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    WriteJson(text, list.Items[i]);
                }
                text.Append(']');
                break;
            case GoMap map:
                text.Append('{');
                var first = true;
                // Go sorts map keys by their UTF-8 bytes.
                foreach (var (key, item) in map.Entries.OrderBy(e => Encoding.UTF8.GetBytes(e.Key), ByteOrder.Instance))
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    WriteJsonString(text, key);
                    text.Append(':');
                    WriteJson(text, item);
                }
                text.Append('}');
                break;
            default:
                text.Append(Scalar(value));
                break;
        }
    }

    /// <summary>encoding/json's string escaping, HTML-safe as json.Marshal is by default.</summary>
    private static void WriteJsonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    /// <summary>encoding/json's float64: the shortest round-trip digits, in fixed notation unless the magnitude is
    /// below 1e-6 or at least 1e21, where it uses an exponent ("1e+21", "1.5e-7").</summary>
    private static string GoJsonFloat(GoFloat f)
    {
        var value = f.Value;
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new PulumiYamlException(
                $"{f.Start.Line}:{f.Start.Column}: {f.Written} is not a number JSON can hold, and Pulumi refuses it (json: unsupported value); quote it: \"{f.Written}\"");
        }
        if (value == 0)
        {
            // -0 too: the CLI writes the stack back as YAML ("-0") and reads it again as the integer 0.
            return "0";
        }
        var match = RoundTrip().Match(value.ToString("R", CultureInfo.InvariantCulture));
        var all = match.Groups["int"].Value + match.Groups["frac"].Value;
        var point = match.Groups["int"].Value.Length
            + (match.Groups["exp"].Success ? int.Parse(match.Groups["exp"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0);
        point -= all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        var abs = Math.Abs(value);
        string body;
        if (abs < 1e-6 || abs >= 1e21)
        {
            var exponent = point - 1;
            var mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
            // strconv writes at least two exponent digits; encoding/json then turns e-07 into e-7.
            body = $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
            body = Regex.Replace(body, "e-0([0-9])$", "e-$1");
        }
        else if (point >= digits.Length)
        {
            body = digits + new string('0', point - digits.Length);
        }
        else if (point > 0)
        {
            body = $"{digits[..point]}.{digits[point..]}";
        }
        else
        {
            body = $"0.{new string('0', -point)}{digits}";
        }
        return (match.Groups["sign"].Value == "-" ? "-" : "") + body;
    }

    /// <summary>.NET's shortest round-trip text ("R"), e.g. "1.3", "1E+21", "1.5E-07".</summary>
    private static Regex RoundTrip() => RoundTripPattern();

    [GeneratedRegex(@"^(?<sign>-?)(?<int>[0-9]+)(\.(?<frac>[0-9]+))?(E(?<exp>[-+]?[0-9]+))?$")]
    private static partial Regex RoundTripPattern();

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
