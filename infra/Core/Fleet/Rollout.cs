using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Core.Fleet;

/// <summary>One wave of stacks.yaml: the stacks it holds (by name or glob), rolled out together.</summary>
public sealed record Wave(string Name, IReadOnlyList<string> Stacks, int MaxParallel, string Environment, string Account);

/// <summary>The roles the workflow assumes in one AWS account: deployRole for `up`, previewRole for PR previews.</summary>
public sealed record DeployAccount(string Id, string DeployRole, string PreviewRole);

/// <summary>stacks.yaml, validated against the project's stack files: every stack is in exactly one wave.</summary>
public sealed record Rollout(IReadOnlyList<Wave> Waves, IReadOnlyDictionary<string, DeployAccount> Accounts,
    IReadOnlyDictionary<string, Wave> WaveOfStack)
{
    public DeployAccount AccountOf(string stack) => Accounts[WaveOfStack[stack].Account];
}

public sealed record RolloutResult(Rollout? Rollout, IReadOnlyList<ConfigIssue> Errors)
{
    public bool IsValid => Errors.Count == 0 && Rollout is not null;
}

/// <summary>
/// Reads and validates stacks.yaml, the file that says in which order the project's stacks are rolled out
/// (waves), how many at once, behind which GitHub environment, and with which IAM role per AWS account.
/// A stack belongs to a wave by name or glob, and a wave to one account: a wave is one environment (dev, staging,
/// prod), and AWS accounts are usually cut the same way, so the account is said once per wave, not per stack.
/// Every problem is reported at once, in the stack files' style: <c>key = value: problem; allowed: ...</c>.
/// </summary>
public static class StacksFile
{
    public const string FileName = "stacks.yaml";

    public static readonly IReadOnlyList<string> TopKeys = ["waves", "accounts"];
    public static readonly IReadOnlyList<string> WaveKeys = ["name", "stacks", "account", "environment", "maxParallel"];
    public static readonly IReadOnlyList<string> AccountKeys = ["deployRole", "previewRole"];

    /// <summary>A GitHub Actions matrix runs at most 256 jobs per workflow run.</summary>
    public const int MaxParallelLimit = 256;

    private static readonly Regex WaveName = new("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", RegexOptions.CultureInvariant);
    // Pulumi stack names: letters, digits, '-', '_' and '.'; a glob adds '*' and '?'.
    private static readonly Regex StackGlob = new(@"^[A-Za-z0-9_.*?-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex AccountId = new(@"^\d{12}$", RegexOptions.CultureInvariant);
    // IAM role ARN (CreateRole): partition, account, an optional path of printable ASCII between slashes, and a
    // name of at most 64 letters, digits and _+=,.@-.
    private static readonly Regex RoleArn = new(@"^arn:aws(-cn|-us-gov)?:iam::(\d{12}):role/([\x21-\x2E\x30-\x7E]+/)*[A-Za-z0-9_+=,.@-]{1,64}$", RegexOptions.CultureInvariant);

    /// <summary>Reads stacks.yaml from the project folder and validates it against the given stack names.</summary>
    /// <exception cref="StackFileException">stacks.yaml is missing or is not valid YAML.</exception>
    public static RolloutResult Load(string projectDirectory, IReadOnlyList<string> stacks)
    {
        var path = Path.Combine(projectDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new StackFileException($"{path} not found: it lists the waves every Pulumi.<stack>.yaml is rolled out in (README \"Many clusters\")");
        }
        return Validate(StackFile.ReadMapping(path), stacks);
    }

    public static RolloutResult Validate(YamlMappingNode root, IReadOnlyList<string> stacks)
    {
        var errors = new List<ConfigIssue>();
        foreach (var (key, value) in root.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!TopKeys.Contains(name))
            {
                errors.Add(new ConfigIssue(name, Display(value), Reader.UnknownKeyProblem(name, TopKeys), string.Join(", ", TopKeys)));
            }
        }
        var accounts = ReadAccounts(Child(root, "accounts"), errors);
        var waves = ReadWaves(Child(root, "waves"), accounts, errors);
        // Without usable waves, "stack in no wave" would only repeat that error once per stack.
        var waveOfStack = waves.Count == 0 ? [] : Place(stacks, waves, errors);
        return new RolloutResult(errors.Count == 0 ? new Rollout(waves.Select(w => w.Wave).ToList(), accounts, waveOfStack) : null, errors);
    }

    /// <summary>True when the stack name matches the glob ('*' any run of characters, '?' one character).</summary>
    public static bool Matches(string glob, string stack) =>
        Regex.IsMatch(stack, "^" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);

    private sealed record ParsedWave(Wave Wave, int Index, bool StacksUsable);

    private static Dictionary<string, DeployAccount> ReadAccounts(YamlNode? node, List<ConfigIssue> errors)
    {
        var accounts = new Dictionary<string, DeployAccount>(StringComparer.Ordinal);
        const string shape = "a map of 12-digit account ids to {deployRole, previewRole?}";
        if (node is null)
        {
            errors.Add(new ConfigIssue("accounts", null, "missing", shape));
            return accounts;
        }
        if (node is not YamlMappingNode map || map.Children.Count == 0)
        {
            errors.Add(new ConfigIssue("accounts", Display(node), node is YamlMappingNode ? "empty" : "not a map", shape));
            return accounts;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var id = (keyNode as YamlScalarNode)?.Value ?? "";
            var path = $"accounts[\"{id}\"]";
            var idValid = AccountId.IsMatch(id);
            if (!idValid)
            {
                errors.Add(new ConfigIssue(path, null, "not a 12-digit AWS account id", "12 digits, quoted, e.g. \"111122223333\""));
            }
            if (value is not YamlMappingNode fields)
            {
                errors.Add(new ConfigIssue(path, Display(value), "not a map", "{deployRole, previewRole?}"));
                continue;
            }
            RejectUnknown(fields, path, AccountKeys, errors);
            var deploy = Role(fields, path, "deployRole", id, idValid, required: true, errors);
            var preview = Role(fields, path, "previewRole", id, idValid, required: false, errors);
            if (deploy is not null && idValid)
            {
                accounts[id] = new DeployAccount(id, deploy, preview ?? deploy);
            }
        }
        return accounts;
    }

    private static string? Role(YamlMappingNode fields, string path, string key, string account, bool accountValid, bool required, List<ConfigIssue> errors)
    {
        var allowed = $"an IAM role ARN, e.g. arn:aws:iam::{(accountValid ? account : "111122223333")}:role/eks-ipvs-deploy";
        var node = Child(fields, key);
        if (node is null)
        {
            if (required)
            {
                errors.Add(new ConfigIssue($"{path}.{key}", null, "missing", allowed));
            }
            return null;
        }
        var text = (node as YamlScalarNode)?.Value;
        var match = text is null ? null : RoleArn.Match(text);
        if (match is not { Success: true })
        {
            errors.Add(new ConfigIssue($"{path}.{key}", Display(node), "not an IAM role ARN", allowed));
            return null;
        }
        if (accountValid && match.Groups[2].Value != account)
        {
            errors.Add(new ConfigIssue($"{path}.{key}", Display(node), $"a role of account {match.Groups[2].Value}, not {account}",
                $"a role in account {account}; a wave in another account names that account"));
            return null;
        }
        return text;
    }

    private static List<ParsedWave> ReadWaves(YamlNode? node, IReadOnlyDictionary<string, DeployAccount> accounts, List<ConfigIssue> errors)
    {
        var waves = new List<ParsedWave>();
        const string shape = "a list of waves in rollout order, each {name, stacks, account, environment, maxParallel}";
        if (node is null)
        {
            errors.Add(new ConfigIssue("waves", null, "missing", shape));
            return waves;
        }
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            errors.Add(new ConfigIssue("waves", Display(node), node is YamlSequenceNode ? "empty" : "not a list", shape));
            return waves;
        }
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"waves[{i}]";
            if (list.Children[i] is not YamlMappingNode fields)
            {
                errors.Add(new ConfigIssue(path, Display(list.Children[i]), "not a map", "{name, stacks, account, environment, maxParallel}"));
                continue;
            }
            RejectUnknown(fields, path, WaveKeys, errors);

            var name = Text(fields, path, "name", "lowercase letters, digits and -, at most 40, e.g. prod", errors);
            if (name is not null && !WaveName.IsMatch(name))
            {
                errors.Add(new ConfigIssue($"{path}.name", Display(Child(fields, "name")!), "not a wave name", "lowercase letters, digits and -, at most 40, e.g. prod"));
                name = null;
            }
            else if (name is not null && names.TryGetValue(name, out var first))
            {
                errors.Add(new ConfigIssue($"{path}.name", Display(Child(fields, "name")!), $"also the name of waves[{first}]", "a name unique among the waves"));
            }
            else if (name is not null)
            {
                names[name] = i;
            }

            var globs = Globs(fields, path, errors);
            var environment = Text(fields, path, "environment", "the GitHub environment the wave deploys in, e.g. production (give it required reviewers)", errors);
            if (environment is not null && environment.Length > 255)
            {
                errors.Add(new ConfigIssue($"{path}.environment", Display(Child(fields, "environment")!), "longer than 255 characters", "a GitHub environment name of at most 255 characters"));
            }
            var account = Text(fields, path, "account", accounts.Count == 0 ? "an account id listed under accounts" : string.Join(", ", accounts.Keys), errors);
            if (account is not null && !accounts.ContainsKey(account))
            {
                errors.Add(new ConfigIssue($"{path}.account", Display(Child(fields, "account")!), "not listed under accounts",
                    accounts.Count == 0 ? "an account id listed under accounts" : string.Join(", ", accounts.Keys)));
            }
            var maxParallel = MaxParallel(fields, path, errors);
            waves.Add(new ParsedWave(new Wave(name ?? "", globs ?? [], maxParallel, environment ?? "", account ?? ""), i, globs is not null));
        }
        return waves;
    }

    private static List<string>? Globs(YamlMappingNode fields, string path, List<ConfigIssue> errors)
    {
        const string allowed = "a list of stack names or globs (* and ?), e.g. [prod-*]";
        var node = Child(fields, "stacks");
        if (node is null)
        {
            errors.Add(new ConfigIssue($"{path}.stacks", null, "missing", allowed));
            return null;
        }
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            errors.Add(new ConfigIssue($"{path}.stacks", Display(node), node is YamlSequenceNode ? "empty" : "not a list", allowed));
            return null;
        }
        var globs = new List<string>();
        for (var j = 0; j < list.Children.Count; j++)
        {
            var text = (list.Children[j] as YamlScalarNode)?.Value;
            if (text is null || !StackGlob.IsMatch(text))
            {
                errors.Add(new ConfigIssue($"{path}.stacks[{j}]", Display(list.Children[j]), "not a stack name or glob",
                    "letters, digits, -, _ and . (a stack name), with * and ? as wildcards"));
                continue;
            }
            globs.Add(text);
        }
        return globs;
    }

    private static int MaxParallel(YamlMappingNode fields, string path, List<ConfigIssue> errors)
    {
        var node = Child(fields, "maxParallel");
        if (node is null)
        {
            return 1; // one stack at a time unless said otherwise: the safe default for a rollout
        }
        var allowed = $"a whole number from 1 to {MaxParallelLimit} (a GitHub Actions matrix runs at most {MaxParallelLimit} jobs)";
        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            if (value is >= 1 and <= MaxParallelLimit)
            {
                return value;
            }
            errors.Add(new ConfigIssue($"{path}.maxParallel", Display(node), "out of range", allowed));
            return 1;
        }
        errors.Add(new ConfigIssue($"{path}.maxParallel", Display(node), "not a whole number", allowed));
        return 1;
    }

    /// <summary>Each stack file in exactly one wave, and each wave holding at least one stack.</summary>
    private static Dictionary<string, Wave> Place(IReadOnlyList<string> stacks, List<ParsedWave> waves, List<ConfigIssue> errors)
    {
        var placed = new Dictionary<string, Wave>(StringComparer.Ordinal);
        var complete = waves.All(w => w.StacksUsable);
        foreach (var stack in stacks)
        {
            var holders = waves.Where(w => w.Wave.Stacks.Any(g => Matches(g, stack))).ToList();
            if (holders.Count == 1)
            {
                placed[stack] = holders[0].Wave;
            }
            else if (holders.Count > 1)
            {
                var where = string.Join(", ", holders.Select(w => $"waves[{w.Index}] ({w.Wave.Name}) by \"{w.Wave.Stacks.First(g => Matches(g, stack))}\""));
                errors.Add(new ConfigIssue($"Pulumi.{stack}.yaml", null, $"stack {stack} is in {holders.Count} waves: {where}",
                    "exactly one wave per stack; narrow the globs"));
            }
            else if (complete)
            {
                // With a wave's stacks unreadable the stack may belong there: that error is reported already.
                errors.Add(new ConfigIssue($"Pulumi.{stack}.yaml", null, $"stack {stack} is in no wave",
                    $"a name or glob matching {stack} in one wave's stacks"));
            }
        }
        foreach (var wave in waves.Where(w => w.StacksUsable && w.Wave.Stacks.Count > 0))
        {
            if (!stacks.Any(s => wave.Wave.Stacks.Any(g => Matches(g, s))))
            {
                errors.Add(new ConfigIssue($"waves[{wave.Index}].stacks", Display(wave.Wave.Stacks), "matches no Pulumi.<stack>.yaml",
                    stacks.Count == 0 ? "a glob matching a stack file (there are none)" : $"globs matching some of: {string.Join(", ", stacks)}; or remove the wave"));
            }
        }
        return placed;
    }

    private static void RejectUnknown(YamlMappingNode fields, string path, IReadOnlyList<string> known, List<ConfigIssue> errors)
    {
        foreach (var (key, value) in fields.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
            {
                errors.Add(new ConfigIssue($"{path}.{name}", Display(value), Reader.UnknownKeyProblem(name, known), string.Join(", ", known)));
            }
        }
    }

    private static string? Text(YamlMappingNode fields, string path, string key, string allowed, List<ConfigIssue> errors)
    {
        var node = Child(fields, key);
        if (node is null)
        {
            errors.Add(new ConfigIssue($"{path}.{key}", null, "missing", allowed));
            return null;
        }
        if (node is not YamlScalarNode { Value: { Length: > 0 } text } || string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new ConfigIssue($"{path}.{key}", Display(node), "not a non-empty string", allowed));
            return null;
        }
        return text;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Display(IReadOnlyList<string> items) => JsonSerializer.Serialize(items, SpecJson.Compact);

    /// <summary>The value as written: plain numbers and booleans bare, other scalars quoted, structures as compact JSON.</summary>
    internal static string Display(YamlNode node) => ToJson(node)?.ToJsonString(SpecJson.Compact) ?? "null";

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create((kv.Key as YamlScalarNode)?.Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } when text is null or "" or "~" or "null" => null,
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } b => JsonValue.Create(b.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && (text == "0" || !text!.StartsWith('0')) => JsonValue.Create(n),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };
}
