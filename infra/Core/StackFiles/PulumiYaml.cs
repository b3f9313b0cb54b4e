using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksIpvs.Core.StackFiles;

/// <summary>A value of a stack file as the Pulumi CLI holds it after decoding the YAML into Go's `any`.
/// <see cref="Written"/> keeps the unquoted text of a scalar that YAML turned into something other than a string,
/// so a message can show both spellings.</summary>
public abstract record GoValue(Mark Start)
{
    public string? Written { get; init; }

    /// <summary>True when the value carries a YAML anchor (`base: &amp;base ...`), e.g. a block kept to be merged with `&lt;&lt;:`.</summary>
    public bool Anchored { get; init; }
}

public sealed record GoNull(Mark Start) : GoValue(Start);
public sealed record GoBool(Mark Start, bool Value) : GoValue(Start);
public sealed record GoInt(Mark Start, long Value) : GoValue(Start);
public sealed record GoUint(Mark Start, ulong Value) : GoValue(Start);
public sealed record GoFloat(Mark Start, double Value) : GoValue(Start);
public sealed record GoString(Mark Start, string Value) : GoValue(Start);

/// <summary>A timestamp; Pulumi's config object turns it into Go's time.Time.String() text.</summary>
public sealed record GoTime(Mark Start, string Text) : GoValue(Start);
public sealed record GoList(Mark Start, IReadOnlyList<GoValue> Items) : GoValue(Start);

/// <summary>A mapping with string keys, merge keys already applied, in the order written.</summary>
public sealed record GoMap(Mark Start, IReadOnlyList<KeyValuePair<string, GoValue>> Entries) : GoValue(Start)
{
    /// <summary>True when a `<<` merge key added entries.</summary>
    public bool Merged { get; init; }
}

/// <summary>The file would not load in the Pulumi CLI either (or not reproducibly); the message says why and where.</summary>
public sealed class PulumiYamlException(string message) : Exception(message);

/// <summary>
/// Decodes YAML the way the Pulumi CLI decodes a stack file. Since v3.50.0 the CLI reads stack files with
/// gopkg.in/yaml.v3 (pulumi/pulumi sdk/go/common/encoding/marshal.go) into Go's `any`; the scalar rules below are
/// that library's (go-yaml/yaml v3 resolve.go): only true/True/TRUE and false/False/FALSE are booleans (`on` and
/// `yes` stay text), `1.30` is the float 1.3, `0x1F`, `0o17`, `017`, `0b11` and `1_000` are integers, dates are
/// timestamps, `<<` merges mappings (decode.go: keys written in the mapping win, then the first merged map),
/// and a key written twice in one mapping is an error. Anything else Pulumi's loader refuses
/// (sdk/go/common/workspace/project.go SimplifyMarshalledValue: a key that is not a string) is refused here too.
/// </summary>
public static partial class PulumiYaml
{
    private const int MaxDepth = 1000;        // go-yaml stops deeply nested documents too
    private const int MaxExpandedNodes = 1_000_000; // aliases may expand exponentially ("billion laughs")

    /// <summary>The first document of the text, or null when it is empty.</summary>
    /// <exception cref="PulumiYamlException">Not YAML, or YAML that Pulumi's loader refuses.</exception>
    public static GoValue? Decode(string text)
    {
        var composer = new Composer(text);
        var node = composer.ComposeFirstDocument();
        return node is null ? null : new Converter().Convert(node, 0);
    }

    // ---- Composing: YamlDotNet's parser gives events; build a node tree with anchors resolved. ----

    private abstract record Node(Mark Start)
    {
        public bool Anchored { get; init; }
    }
    private sealed record ScalarNode(Mark Start, string Value, ScalarStyle Style, string Tag) : Node(Start);
    private sealed record SequenceNode(Mark Start, List<Node> Items) : Node(Start);
    private sealed record MappingNode(Mark Start, List<(Node Key, Node Value)> Pairs) : Node(Start);

    private sealed class Composer(string text)
    {
        private readonly Dictionary<string, Node?> _anchors = new(StringComparer.Ordinal);
        private IParser _parser = null!;

        public Node? ComposeFirstDocument()
        {
            try
            {
                _parser = new Parser(new StringReader(text));
                if (Next() is not StreamStart || Next() is StreamEnd)
                {
                    return null;
                }
                if (_parser.Current is not DocumentStart)
                {
                    throw new PulumiYamlException($"unexpected {_parser.Current!.GetType().Name}");
                }
                var node = Compose(0);
                return node is ScalarNode { Value: "", Style: ScalarStyle.Plain, Tag: "" } ? null : node;
            }
            catch (YamlException e)
            {
                throw new PulumiYamlException($"{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
            }
        }

        private ParsingEvent Next()
        {
            do
            {
                if (!MoveNext())
                {
                    throw new PulumiYamlException("unexpected end of the file");
                }
            }
            while (_parser.Current is Comment);
            return _parser.Current!;
        }

        private bool MoveNext()
        {
            try
            {
                return _parser.MoveNext();
            }
            catch (Exception e) when (e is not YamlException)
            {
                // YamlDotNet's scanner throws plain exceptions on some malformed input (e.g. an unclosed "[[[[").
                var at = _parser.Current?.End;
                throw new PulumiYamlException($"{at?.Line ?? 1}:{at?.Column ?? 1}: not valid YAML after this point");
            }
        }

        private Node Compose(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new PulumiYamlException($"{_parser.Current!.Start.Line}:{_parser.Current.Start.Column}: nested more than {MaxDepth} levels deep");
            }
            var current = depth == 0 ? Next() : _parser.Current!;
            switch (current)
            {
                case AnchorAlias alias:
                    var name = alias.Value.Value;
                    if (!_anchors.TryGetValue(name, out var target))
                    {
                        throw new PulumiYamlException($"{alias.Start.Line}:{alias.Start.Column}: unknown anchor '{name}' referenced");
                    }
                    return target ?? throw new PulumiYamlException($"{alias.Start.Line}:{alias.Start.Column}: anchor '{name}' value contains itself");
                case Scalar scalar:
                    return Anchor(scalar.Anchor, new ScalarNode(scalar.Start, scalar.Value, scalar.Style, TagOf(scalar.Tag)));
                case SequenceStart start:
                {
                    BeginAnchor(start.Anchor);
                    var items = new List<Node>();
                    while (Next() is not SequenceEnd)
                    {
                        items.Add(Compose(depth + 1));
                    }
                    return Anchor(start.Anchor, new SequenceNode(start.Start, items));
                }
                case MappingStart start:
                {
                    BeginAnchor(start.Anchor);
                    var pairs = new List<(Node, Node)>();
                    while (Next() is not MappingEnd)
                    {
                        var key = Compose(depth + 1);
                        Next();
                        pairs.Add((key, Compose(depth + 1)));
                    }
                    return Anchor(start.Anchor, new MappingNode(start.Start, pairs));
                }
                default:
                    throw new PulumiYamlException($"{current.Start.Line}:{current.Start.Column}: unexpected {current.GetType().Name}");
            }
        }

        /// <summary>An anchor is known from its start, so an alias inside its own node is caught, not looped on.</summary>
        private void BeginAnchor(AnchorName anchor)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = null;
            }
        }

        private Node Anchor(AnchorName anchor, Node node)
        {
            if (anchor.IsEmpty)
            {
                return node;
            }
            var anchored = node with { Anchored = true };
            _anchors[anchor.Value] = anchored;
            return anchored;
        }

        private static string TagOf(TagName tag)
        {
            if (tag.IsEmpty)
            {
                return "";
            }
            if (tag.IsNonSpecific)
            {
                return "!";
            }
            const string prefix = "tag:yaml.org,2002:";
            return tag.Value.StartsWith(prefix, StringComparison.Ordinal) ? "!!" + tag.Value[prefix.Length..] : tag.Value;
        }
    }

    // ---- Converting: the node tree to the values go-yaml v3 gives for `any`. ----

    private sealed class Converter
    {
        private int _expanded;

        public GoValue Convert(Node node, int depth)
        {
            if (depth > MaxDepth)
            {
                // Aliases can stack nodes deeper than the text shows.
                throw new PulumiYamlException($"{Where(node)}: nested more than {MaxDepth} levels deep (through aliases)");
            }
            if (++_expanded > MaxExpandedNodes)
            {
                throw new PulumiYamlException($"{Where(node)}: the document expands to more than {MaxExpandedNodes} values through aliases");
            }
            GoValue value = node switch
            {
                ScalarNode scalar => Scalar(scalar),
                SequenceNode seq => new GoList(seq.Start, seq.Items.Select(i => Convert(i, depth + 1)).ToList()),
                MappingNode map => Mapping(map, depth),
                _ => throw new InvalidOperationException("unknown node"),
            };
            return node.Anchored ? value with { Anchored = true } : value;
        }

        private GoMap Mapping(MappingNode map, int depth)
        {
            // decode.go mapping(): a key written twice (same kind, same text) is an error, merge keys included.
            var firstAt = new Dictionary<string, ScalarNode>(StringComparer.Ordinal);
            foreach (var key in map.Pairs.Select(p => p.Key).OfType<ScalarNode>())
            {
                if (!firstAt.TryAdd(key.Value, key))
                {
                    throw new PulumiYamlException($"{Where(key)}: mapping key \"{key.Value}\" already defined at line {firstAt[key.Value].Start.Line}");
                }
            }
            var entries = new List<KeyValuePair<string, GoValue>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            Node? merge = null;
            foreach (var (keyNode, valueNode) in map.Pairs)
            {
                if (IsMerge(keyNode))
                {
                    merge = valueNode;
                    continue;
                }
                var key = KeyText(keyNode);
                seen.Add(key);
                entries.Add(KeyValuePair.Create(key, Convert(valueNode, depth + 1)));
            }
            if (merge is not null)
            {
                var sources = merge switch
                {
                    MappingNode m => [m],
                    SequenceNode s when s.Items.All(i => i is MappingNode) => s.Items.Cast<MappingNode>().ToList(),
                    _ => throw new PulumiYamlException($"{Where(merge)}: map merge requires map or sequence of maps as the value"),
                };
                foreach (var source in sources)
                {
                    foreach (var entry in Mapping(source, depth + 1).Entries.Where(e => seen.Add(e.Key)))
                    {
                        entries.Add(entry);
                    }
                }
            }
            return new GoMap(map.Start, entries) { Merged = merge is not null };
        }

        private static bool IsMerge(Node key) =>
            key is ScalarNode { Value: "<<", Style: ScalarStyle.Plain } s && (s.Tag is "" or "!" or "!!merge");

        /// <summary>Pulumi's loader accepts only string keys (project.go SimplifyMarshalledValue).</summary>
        private static string KeyText(Node key)
        {
            if (key is ScalarNode scalar)
            {
                var value = Scalar(scalar);
                if (value is GoString s)
                {
                    return s.Value;
                }
                throw new PulumiYamlException(
                    $"{Where(key)}: the key {scalar.Value} is not a string to YAML ({Describe(value)}), and Pulumi accepts only string keys; quote it: \"{scalar.Value}\"");
            }
            throw new PulumiYamlException($"{Where(key)}: a key must be a plain string, not a {(key is SequenceNode ? "list" : "map")}");
        }

        private static string Where(Node node) => $"{node.Start.Line}:{node.Start.Column}";
    }

    /// <summary>A short description of a non-string scalar: "the number 1.3", "the boolean true", ...</summary>
    public static string Describe(GoValue value) => value switch
    {
        GoNull => "null",
        GoBool b => $"the boolean {(b.Value ? "true" : "false")}",
        GoInt or GoUint or GoFloat => $"the number {PulumiConfigText.Scalar(value)}",
        GoTime t => $"a timestamp, {t.Text}",
        _ => "text",
    };

    // ---- Scalars: go-yaml v3 resolve.go and decode.go scalar(). ----

    /// <summary>The plain scalars go-yaml v2 (YAML 1.1) resolved to booleans and v3 leaves as text.</summary>
    public static readonly IReadOnlySet<string> Yaml11Booleans = new HashSet<string>(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    };

    private static GoValue Scalar(ScalarNode node)
    {
        var start = node.Start;
        var indicatedString = node.Tag == "!!str"
            || (node.Tag is "" or "!" && node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
        if (indicatedString)
        {
            return new GoString(start, node.Value);
        }
        switch (node.Tag)
        {
            case "":
                break;
            case "!!binary":
                try
                {
                    return new GoString(start, Encoding.UTF8.GetString(System.Convert.FromBase64String(node.Value)));
                }
                catch (FormatException)
                {
                    throw new PulumiYamlException($"{start.Line}:{start.Column}: !!binary value contains invalid base64 data");
                }
            case "!!int" or "!!float" or "!!bool" or "!!null" or "!!timestamp":
            {
                var resolved = Resolve(start, node.Value, node.Tag == "!!timestamp");
                var kind = resolved switch
                {
                    GoInt or GoUint => "!!int",
                    GoFloat => "!!float",
                    GoBool => "!!bool",
                    GoNull => "!!null",
                    GoTime => "!!timestamp",
                    _ => "!!str",
                };
                if (kind == node.Tag)
                {
                    return resolved with { Written = node.Value };
                }
                if (node.Tag == "!!float" && resolved is GoInt i)
                {
                    return new GoFloat(start, i.Value) { Written = node.Value };
                }
                throw new PulumiYamlException($"{start.Line}:{start.Column}: cannot decode {kind} `{node.Value}` as a {node.Tag}");
            }
            default:
                // A tag go-yaml does not resolve (e.g. !Ref, or "!") leaves the text as it is.
                return new GoString(start, node.Value);
        }
        var value = Resolve(start, node.Value, allowTimestamp: true);
        // Text that YAML 1.1 (yaml.v2, Pulumi CLIs before v3.50.0) read as a boolean keeps its spelling for a warning.
        return value is GoString && !Yaml11Booleans.Contains(node.Value) ? value : value with { Written = node.Value };
    }

    private static GoValue Resolve(Mark start, string text, bool allowTimestamp)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return new GoNull(start);
            case "true" or "True" or "TRUE": return new GoBool(start, true);
            case "false" or "False" or "FALSE": return new GoBool(start, false);
            case ".nan" or ".NaN" or ".NAN": return new GoFloat(start, double.NaN);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return new GoFloat(start, double.PositiveInfinity);
            case "-.inf" or "-.Inf" or "-.INF": return new GoFloat(start, double.NegativeInfinity);
        }
        var first = text[0];
        if (first == '.')
        {
            return GoParseFloat(text) is { } f ? new GoFloat(start, f) : new GoString(start, text);
        }
        if (first is not (>= '0' and <= '9' or '+' or '-'))
        {
            return new GoString(start, text);
        }
        if (allowTimestamp && GoTimestamp.Parse(text) is { } time)
        {
            return new GoTime(start, time);
        }
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (GoParseInt(plain) is { } integer)
        {
            return integer.Signed is { } signed ? new GoInt(start, signed) : new GoUint(start, integer.Unsigned!.Value);
        }
        if (YamlStyleFloat().IsMatch(plain) && GoParseFloat(plain) is { } number)
        {
            return new GoFloat(start, number);
        }
        return new GoString(start, text);
    }

    /// <summary>Go's strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): a sign only for the first,
    /// prefixes 0x, 0o, 0b and a leading 0 for octal.</summary>
    private static (long? Signed, ulong? Unsigned)? GoParseInt(string s)
    {
        var negative = false;
        var body = s;
        var signed = false;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            negative = body[0] == '-';
            signed = true;
            body = body[1..];
        }
        var radix = 10;
        if (body.Length > 1 && body[0] == '0')
        {
            switch (char.ToLowerInvariant(body[1]))
            {
                case 'x': radix = 16; body = body[2..]; break;
                case 'o': radix = 8; body = body[2..]; break;
                case 'b': radix = 2; body = body[2..]; break;
                default: radix = 8; body = body[1..]; break;
            }
        }
        if (body.Length == 0)
        {
            return null;
        }
        System.Numerics.BigInteger value = 0;
        foreach (var c in body)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return null;
            }
            value = value * radix + digit;
            if (value > ulong.MaxValue)
            {
                return null;
            }
        }
        if (negative)
        {
            value = -value;
        }
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return ((long)value, null);
        }
        return !signed && value <= ulong.MaxValue ? (null, (ulong)value) : null;
    }

    /// <summary>Go's strconv.ParseFloat(s, 64) for the decimal forms YAML can reach: an overflow is an error
    /// (the text then stays a string), an underflow is 0.</summary>
    private static double? GoParseFloat(string s)
    {
        if (!DecimalFloat().IsMatch(s))
        {
            return null;
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            return null;
        }
        return value;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex DecimalFloat();
}
