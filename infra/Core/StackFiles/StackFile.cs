using EksIpvs.Core.Validation;

namespace EksIpvs.Core.StackFiles;

/// <summary>A rule of Pulumi's that decided how part of a stack file was read, and the Pulumi source that decides it.</summary>
public sealed record StackFileRule(string Rule, string DecidedBy);

/// <summary>A stack file read as the Pulumi CLI reads it.</summary>
/// <param name="Config">What the validator checks: the project's keys, without secrets and without keys already
/// reported as misread by YAML.</param>
/// <param name="PulumiConfig">Every key of the file, fully qualified, with the value the program receives.</param>
/// <param name="Errors">Problems found while reading (before validation), e.g. "quote it".</param>
/// <param name="Secrets">The project's keys whose value is, or holds, a secret: not decrypted, not checked offline.</param>
/// <param name="Rules">The Pulumi rules this file needed, each with the source file that decides it.</param>
public sealed record LoadedStack(
    StackConfig Config,
    IReadOnlyDictionary<string, PulumiConfigValue> PulumiConfig,
    IReadOnlyList<ConfigIssue> Errors,
    IReadOnlyList<ConfigIssue> Warnings,
    IReadOnlyList<string> Secrets,
    IReadOnlyList<StackFileRule> Rules);

/// <summary>Reads Pulumi.yaml and Pulumi.&lt;stack&gt;.yaml the way the Pulumi CLI hands them to a program,
/// so the offline tool validates exactly what `pulumi up` would.</summary>
public static class StackFile
{
    private const string Loaders = "pulumi/pulumi sdk/go/common/workspace/loaders.go";
    private const string KeyGo = "pulumi/pulumi sdk/go/common/resource/config/key.go";
    private const string ObjectGo = "pulumi/pulumi sdk/go/common/resource/config/object.go";
    private const string MarshalGo = "pulumi/pulumi sdk/go/common/encoding/marshal.go (gopkg.in/yaml.v3: go-yaml/yaml v3 resolve.go, decode.go)";
    private const string ProjectGo = "pulumi/pulumi sdk/go/common/workspace/project.go";

    public static readonly StackFileRule NamespaceRule = new(
        "a key without a namespace under config: is the project's own key", $"{Loaders} stackConfigNamespacedWithProject");
    public static readonly StackFileRule OldKeyFormRule = new(
        "<namespace>:config:<name> is read as <namespace>:<name>", $"{KeyGo} ParseKey");
    public static readonly StackFileRule ScalarRule = new(
        "an unquoted scalar is typed by YAML (yaml.v3) and arrives as its JSON text: 1.30 as \"1.3\", True as \"true\", 0x10 as \"16\"; on and yes stay text",
        $"{MarshalGo}; {ObjectGo} MarshalString");
    public static readonly StackFileRule TimestampRule = new(
        "an unquoted date is a timestamp and arrives as Go's time.Time.String()", $"{MarshalGo}; {ObjectGo} unmarshalObject");
    public static readonly StackFileRule NullRule = new(
        "an empty value arrives as the empty string", $"{Loaders} checkForEmptyConfig; {ObjectGo}");
    public static readonly StackFileRule StructureRule = new(
        "a map or list arrives as compact JSON text with sorted keys", $"{ObjectGo} MarshalString");
    public static readonly StackFileRule MergeRule = new(
        "<<: merges mappings (keys written beside it win)", MarshalGo);
    public static readonly StackFileRule SecureRule = new(
        "{secure: <ciphertext>} is a secret, decrypted only by pulumi up", $"{ObjectGo} isSecureValue; value.go");

    /// <summary>Loads the stack's config for validation.</summary>
    /// <exception cref="StackFileException">A file is missing, is not valid YAML, or Pulumi would refuse it.</exception>
    /// <exception cref="InvalidStackConfigException">A value YAML misreads (e.g. an unquoted 1.30).</exception>
    public static StackConfig Load(string projectDirectory, string stack)
    {
        var loaded = Read(projectDirectory, stack);
        return loaded.Errors.Count > 0 ? throw new InvalidStackConfigException(loaded.Errors) : loaded.Config;
    }

    /// <summary>Reads the project name from Pulumi.yaml and the stack's config from Pulumi.&lt;stack&gt;.yaml.</summary>
    /// <exception cref="StackFileException">A file is missing, is not valid YAML, or Pulumi would refuse it.</exception>
    public static LoadedStack Read(string projectDirectory, string stack)
    {
        var projectFile = Path.Combine(projectDirectory, "Pulumi.yaml");
        var project = Decode(projectFile) is GoMap projectMap
            && projectMap.Entries.FirstOrDefault(e => e.Key == "name").Value is GoString { Value.Length: > 0 } name
            ? name.Value
            : throw new StackFileException($"{projectFile}: no 'name' key with the project's name");

        var stackFile = Path.Combine(projectDirectory, $"Pulumi.{stack}.yaml");
        if (!File.Exists(stackFile))
        {
            throw new StackFileException($"{stackFile} not found: create it with `pulumi stack init {stack}` or copy Pulumi.dev.yaml");
        }
        var text = File.ReadAllText(stackFile);
        try
        {
            return FromText(text.StartsWith('\uFEFF') ? text[1..] : text, project, stack);
        }
        catch (PulumiYamlException e)
        {
            throw new StackFileException($"{stackFile}:{e.Message}");
        }
    }

    /// <summary>The text of a stack file, read as <see cref="Read"/> does.</summary>
    /// <exception cref="PulumiYamlException">Pulumi would refuse the file.</exception>
    public static LoadedStack FromText(string yaml, string project, string stack) =>
        FromYaml(PulumiYaml.Decode(yaml), project, stack);

    /// <summary>A YAML file's top-level mapping as YamlDotNet's node tree (used to read Pulumi.yaml's declarations).</summary>
    public static YamlDotNet.RepresentationModel.YamlMappingNode ReadMapping(string path)
    {
        if (!File.Exists(path))
        {
            throw new StackFileException($"{path} not found");
        }
        try
        {
            var yaml = new YamlDotNet.RepresentationModel.YamlStream();
            using var reader = new StreamReader(path);
            yaml.Load(reader);
            return yaml.Documents.Count == 0
                ? new YamlDotNet.RepresentationModel.YamlMappingNode()
                : yaml.Documents[0].RootNode as YamlDotNet.RepresentationModel.YamlMappingNode
                    ?? throw new StackFileException($"{path}: the top level must be a mapping");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new StackFileException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private static GoValue? Decode(string path)
    {
        if (!File.Exists(path))
        {
            throw new StackFileException($"{path} not found");
        }
        try
        {
            var text = File.ReadAllText(path);
            return PulumiYaml.Decode(text.StartsWith('\uFEFF') ? text[1..] : text);
        }
        catch (PulumiYamlException e)
        {
            throw new StackFileException($"{path}:{e.Message}");
        }
    }

    private static LoadedStack FromYaml(GoValue? root, string project, string stack)
    {
        var rules = new List<StackFileRule>();
        var errors = new List<ConfigIssue>();
        var warnings = new List<ConfigIssue>();
        var pulumiConfig = new SortedDictionary<string, PulumiConfigValue>(StringComparer.Ordinal);
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        var written = new Dictionary<string, string>(StringComparer.Ordinal); // qualified key -> key as written
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);

        var config = Config(root);
        if (root is GoMap top)
        {
            warnings.AddRange(TopLevelKeys.Ignored(top, project));
        }
        if (root is GoMap { Merged: true } || config is { Merged: true })
        {
            rules.Add(MergeRule);
        }
        foreach (var (rawKey, value) in config?.Entries ?? [])
        {
            var key = rawKey;
            if (!key.Contains(':', StringComparison.Ordinal))
            {
                key = $"{project}:{key}";
                rules.Add(NamespaceRule);
            }
            var (ns, name) = ParseKey(key, value.Start);
            if (key.Split(':').Length == 3)
            {
                rules.Add(OldKeyFormRule);
            }
            var qualified = $"{ns}:{name}";
            if (written.TryGetValue(qualified, out var other))
            {
                // Both land on one key of a Go map; which one pulumi up keeps depends on map order, i.e. on chance.
                errors.Add(new ConfigIssue(qualified, null, $"set twice, as {other} and as {rawKey}; pulumi up would keep either one, at random",
                    "one of the two"));
                continue;
            }
            written[qualified] = rawKey;

            NoteRules(value, rules, top: true);
            var pulumiValue = PulumiConfigText.Of(value);
            pulumiConfig[qualified] = pulumiValue;
            if (ns != project)
            {
                // aws:region and other providers' keys are theirs to check; the validator reads the region and
                // names namespaces nobody reads (ConfigNamespaces).
                others[qualified] = pulumiValue.Secret ? StackConfig.SecretValue : pulumiValue.Text;
                continue;
            }
            if (pulumiValue.Secret)
            {
                secrets.Add(name);
                if (!ConfigKeys.All.Any(k => k.Name == name))
                {
                    errors.Add(new ConfigIssue(qualified, "(secret)", Reader.UnknownKeyProblem(name, ConfigKeys.All.Select(k => k.Name)),
                        string.Join(", ", ConfigKeys.All.Select(k => k.Name))));
                }
                continue;
            }
            var spelling = YamlSpelling.Check(project, name, value);
            errors.AddRange(spelling.Errors);
            warnings.AddRange(spelling.Warnings);
            if (!spelling.Errors.Any(e => e.Key == qualified))
            {
                values[name] = pulumiValue.Text;
            }
        }
        return new LoadedStack(new StackConfig(project, stack, values) { Others = others }, pulumiConfig, errors, warnings, secrets,
            rules.Distinct().ToList());
    }

    /// <summary>The config: mapping, or null when there is none.</summary>
    private static GoMap? Config(GoValue? root)
    {
        switch (root)
        {
            case null:
                return null;
            case not GoMap:
                throw new PulumiYamlException($"{root.Start.Line}:{root.Start.Column}: the top level must be a mapping of secretsprovider, encryptionsalt, config, ...; " +
                    $"Pulumi refuses the file ({ProjectGo} SimplifyMarshalledProject)");
        }
        var map = (GoMap)root;
        foreach (var (key, value) in map.Entries)
        {
            if (key is "secretsprovider" or "encryptedkey" or "encryptionsalt" && value is GoMap or GoList)
            {
                throw new PulumiYamlException($"{value.Start.Line}:{value.Start.Column}: {key} must be a single value; Pulumi refuses the file");
            }
        }
        return map.Entries.FirstOrDefault(e => e.Key == "config").Value switch
        {
            null or GoNull => null,
            GoMap config => config,
            var other => throw new PulumiYamlException(
                $"{other.Start.Line}:{other.Start.Column}: config must be a mapping of keys to values, e.g. `config:` then `  {ConfigKeys.ProxyMode.Name}: ipvs` on the next line, " +
                $"not {(other is GoList ? "a list" : "a single value")}; Pulumi refuses the file (it cannot be read as a config.Map, {KeyGo.Replace("key.go", "map.go", StringComparison.Ordinal)})"),
        };
    }

    /// <summary>config.ParseKey: "namespace:name", or the old "namespace:config:name"; nothing else.</summary>
    private static (string Namespace, string Name) ParseKey(string key, YamlDotNet.Core.Mark start)
    {
        var parts = key.Split(':');
        return parts switch
        {
            [var ns, var name] => (ns, name),
            [var ns, "config", var name] => (ns, name),
            _ => throw new PulumiYamlException($"{start.Line}:{start.Column}: could not parse {key} as a configuration key " +
                $"(configuration keys should be of the form `<namespace>:<name>`, {KeyGo} ParseKey); Pulumi refuses the file"),
        };
    }

    private static void NoteRules(GoValue value, List<StackFileRule> rules, bool top = false)
    {
        if (value is GoMap { Merged: true })
        {
            rules.Add(MergeRule);
        }
        switch (value)
        {
            case GoMap map when PulumiConfigText.SecureCiphertext(map) is not null:
                rules.Add(SecureRule);
                return;
            case GoMap map:
                rules.Add(StructureRule);
                foreach (var entry in map.Entries)
                {
                    NoteRules(entry.Value, rules);
                }
                return;
            case GoList list:
                rules.Add(StructureRule);
                foreach (var item in list.Items)
                {
                    NoteRules(item, rules);
                }
                return;
            case GoTime:
                rules.Add(TimestampRule);
                return;
            case GoNull when top:
                rules.Add(NullRule);
                return;
            case GoNull:
                return;
            case GoString:
                return;
            default:
                if (value.Written is { } text && text != PulumiConfigText.Scalar(value))
                {
                    rules.Add(ScalarRule);
                }
                return;
        }
    }
}

/// <summary>A project or stack file that cannot be read at all (before any key is validated).</summary>
public sealed class StackFileException(string message) : Exception(message);
