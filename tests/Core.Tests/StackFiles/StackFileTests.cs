using System.Text.Json;
using System.Text.Json.Nodes;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>The offline tool must see a stack file exactly as Pulumi hands it to the program.</summary>
public partial class StackFileTests : IDisposable
{
    [System.Text.RegularExpressions.GeneratedRegex("""\{"secure":"[^"]*"\}""")]
    private static partial System.Text.RegularExpressions.Regex SecureValues();

    /// <summary>The day tests validate on: a fixed day, so no test changes with the calendar or with a table's refresh.</summary>
    public static readonly DateOnly Today = new(2026, 11, 29);

    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-stackfile").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedStack Read(string stackYaml)
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: demo\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.s.yaml"), stackYaml);
        return StackFile.Read(_dir, "s");
    }

    private static IReadOnlyList<string> Errors(LoadedStack stack) =>
        StackCheck.Validate(stack, Today).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Scalars_arrive_as_text_structures_as_go_json_and_other_namespaces_are_left_to_their_owners()
    {
        var config = Read("""
            config:
              aws:region: eu-west-1
              demo:availabilityZoneCount: 2
              demo:bandwidthPlugin: true
              demo:kubernetesVersion: "1.34"
              demo:endpointPublicAccessCidrs: [203.0.113.0/24]
              demo:tags:
                team: platform
                cost: "42"
                url: <a&b>
              demo:nodeGroups:
                - name: general
                  minSize: 1
                  instanceTypes: [m6i.large]
                  labels: {gpu: "false"}
            """).Config;
        Assert.Equal("demo", config.Project);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["availabilityZoneCount"] = "2",
                ["bandwidthPlugin"] = "true",
                ["endpointPublicAccessCidrs"] = "[\"203.0.113.0/24\"]",
                ["kubernetesVersion"] = "1.34",
                // Go's encoding/json: keys sorted, < > & escaped.
                ["nodeGroups"] = "[{\"instanceTypes\":[\"m6i.large\"],\"labels\":{\"gpu\":\"false\"},\"minSize\":1,\"name\":\"general\"}]",
                ["tags"] = "{\"cost\":\"42\",\"team\":\"platform\",\"url\":\"\\u003ca\\u0026b\\u003e\"}",
            },
            config.Values);
    }

    [Theory]
    [InlineData("1.30", "1.3")]
    [InlineData("1.5e3", "1500")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("-0.0", "0")]
    [InlineData("1.0", "1")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("123456.789e3", "123456789")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("017", "15")]
    [InlineData("08", "8")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("+7", "7")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("99999999999999999999", "100000000000000000000")]
    [InlineData("1e400", "1e400")]
    [InlineData(".5", "0.5")]
    [InlineData("True", "true")]
    [InlineData("FALSE", "false")]
    [InlineData("on", "on")]
    [InlineData("yes", "yes")]
    [InlineData("~", "")]
    [InlineData("2024-01-31", "2024-01-31 00:00:00 +0000 UTC")]
    [InlineData("2024-1-2T3:04:05.50Z", "2024-01-02 03:04:05.5 +0000 UTC")]
    [InlineData("2024-01-02T03:04:05+02:00", "2024-01-02 03:04:05 +0200 +0200")]
    [InlineData("2024-02-30", "2024-02-30")]
    [InlineData("\"1.30\"", "1.30")]
    [InlineData("!!str 1.30", "1.30")]
    [InlineData("!!float 3", "3")]
    [InlineData("'on'", "on")]
    public void A_top_level_scalar_arrives_as_go_yaml_v3_and_pulumis_config_object_make_it(string yaml, string received)
    {
        var loaded = StackFile.FromText($"config:\n  demo:x: {yaml}\n", "demo", "s");
        Assert.Equal(received, loaded.PulumiConfig["demo:x"].Text);
    }

    [Fact]
    public void An_unquoted_version_that_yaml_turns_into_a_number_asks_to_quote_it_naming_both_spellings()
    {
        var stack = Read("config:\n  demo:kubernetesVersion: 1.30\n");
        Assert.Equal(
            ["demo:kubernetesVersion = 1.30: YAML reads the unquoted 1.30 as the number 1.3, so pulumi up would receive \"1.3\"; allowed: quote it: \"1.30\""],
            Errors(stack));
    }

    [Fact]
    public void A_label_yaml_turns_into_a_boolean_asks_to_quote_it_and_is_reported_once()
    {
        var stack = Read("config:\n  demo:nodeGroups:\n    - name: a\n      labels: {gpu: True, ok: \"true\"}\n");
        Assert.Equal(
            ["demo:nodeGroups[0].labels[\"gpu\"] = True: YAML reads the unquoted True as the boolean true, so pulumi up would receive that, not text; allowed: quote it: \"True\""],
            Errors(stack));
    }

    [Fact]
    public void A_plain_boolean_with_its_json_spelling_is_judged_by_the_validator()
    {
        var stack = Read("config:\n  demo:nodeGroups:\n    - name: a\n      labels: {gpu: true}\n");
        Assert.Equal(["demo:nodeGroups[0].labels[\"gpu\"] = true: not a string; allowed: a string value; quote it in YAML, e.g. \"true\""], Errors(stack));
    }

    [Fact]
    public void Text_only_yaml_1_1_read_as_a_boolean_is_a_warning_not_an_error()
    {
        var stack = Read("config:\n  demo:nodeGroups:\n    - name: a\n      labels: {feature: on}\n");
        var result = StackCheck.Validate(stack, Today);
        Assert.Empty(result.Errors);
        Assert.Equal("on", result.Spec!.NodeGroups[0].Labels["feature"]);
        Assert.Equal(
            "demo:nodeGroups[0].labels[\"feature\"] = on: Pulumi CLIs before v3.50.0 (YAML 1.1) read the unquoted on as a boolean; current ones keep the text; advice: quote it: \"on\"",
            Assert.Single(Stacks.OtherWarnings(result)).ToString());
    }

    [Fact]
    public void A_key_without_a_namespace_is_the_projects_key_and_is_validated()
    {
        var stack = Read("config:\n  vpcCidr: banana\n  proxyMode: iptables\n");
        Assert.Equal("iptables", stack.Config.Values["proxyMode"]);
        Assert.Equal(
            ["demo:vpcCidr = \"banana\": not an IPv4 CIDR; allowed: a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) with a prefix from /16 to /20"],
            Errors(stack));
        Assert.Contains(StackFile.NamespaceRule, stack.Rules);
    }

    [Fact]
    public void The_same_key_with_and_without_namespace_is_an_error_because_pulumi_would_pick_one_at_random()
    {
        var stack = Read("config:\n  proxyMode: iptables\n  demo:proxyMode: ipvs\n");
        Assert.Equal(
            ["demo:proxyMode: set twice, as proxyMode and as demo:proxyMode; pulumi up would keep either one, at random; allowed: one of the two"],
            Errors(stack));
    }

    [Fact]
    public void A_secret_is_reported_as_such_never_as_a_type_error_and_the_rest_is_still_checked()
    {
        var stack = Read("config:\n  demo:clusterName:\n    secure: v1:abc\n  demo:vpcCidr: banana\n  demo:tokn:\n    secure: v1:def\n");
        Assert.Equal(["clusterName", "tokn"], stack.Secrets);
        Assert.False(stack.Config.Values.ContainsKey("clusterName"));
        var errors = Errors(stack);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("demo:tokn = (secret): unknown key; allowed: clusterName, ", errors[0]);
        Assert.StartsWith("demo:vpcCidr = \"banana\": not an IPv4 CIDR", errors[1]);
    }

    [Theory]
    [InlineData("config:\n  - demo:proxyMode: ipvs\n", "config must be a mapping of keys to values")]
    [InlineData("config: ipvs\n", "config must be a mapping of keys to values")]
    [InlineData("config:\n  ? [a, b]\n  : x\n", "a key must be a plain string, not a list")]
    [InlineData("config:\n  demo:tags:\n    1: x\n", "the key 1 is not a string to YAML (the number 1), and Pulumi accepts only string keys; quote it: \"1\"")]
    [InlineData("config:\n  a:b:c: x\n", "could not parse a:b:c as a configuration key")]
    [InlineData("config:\n  demo:x: 1\n  demo:x: 2\n", "mapping key \"demo:x\" already defined at line 2")]
    [InlineData("config:\n  demo:x: .nan\n", "is not a number JSON can hold")]
    [InlineData("config:\n  demo:x: !!int abc\n", "cannot decode !!str `abc` as a !!int")]
    [InlineData("a: &a [*a]\n", "anchor 'a' value contains itself")]
    [InlineData("a: *nope\n", "unknown anchor 'nope' referenced")]
    [InlineData("- config\n", "the top level must be a mapping")]
    [InlineData("config:\n  demo:x: {a: 1\n", "")]
    [InlineData("encryptionsalt: [1]\n", "encryptionsalt must be a single value")]
    [InlineData("x:\n  <<: 3\n", "map merge requires map or sequence of maps as the value")]
    public void A_file_pulumi_refuses_is_refused_with_a_reason_and_no_stack_trace(string yaml, string reason)
    {
        var error = Assert.Throws<StackFileException>(() => Read(yaml));
        Assert.StartsWith($"{Path.Combine(_dir, "Pulumi.s.yaml")}:", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Aliases_that_expand_without_end_are_refused_quickly()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
            string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n"));
        var error = Assert.Throws<StackFileException>(() => Read(yaml));
        Assert.Contains("expands to more than", error.Message);
    }

    [Fact]
    public void Nesting_thousands_deep_is_refused_not_a_stack_overflow()
    {
        var error = Assert.Throws<StackFileException>(() => Read($"a: {new string('[', 5000)}{new string(']', 5000)}\n"));
        Assert.Contains("nested more than 1000 levels deep", error.Message);
    }

    [Fact]
    public void Aliases_that_stack_nesting_deeper_than_the_text_are_refused_not_a_stack_overflow()
    {
        var deep = $"{new string('[', 900)}{new string(']', 900)}";
        var yaml = $"a: &a {deep}\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"b{i}: &b{i} [{(i == 0 ? "*a" : $"*b{i - 1}")}]\n"));
        var chained = $"a: &a {deep}\nb: &b [[*a]]\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"c{i}: &c{i} {new string('[', 500)}{(i == 0 ? "*b" : $"*c{i - 1}")}{new string(']', 500)}\n"));
        Assert.Null(Record.Exception(() => Read(yaml)));
        Assert.Contains("(through aliases)", Assert.Throws<StackFileException>(() => Read(chained)).Message);
    }

    [Fact]
    public void A_mapping_with_a_hundred_thousand_keys_is_read_whole()
    {
        // Only what is read is asserted: how long it takes depends on the machine, so it is no test's business.
        var yaml = "config:\n  eks-ipvs:tags:\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"    k{i}: v\n"));
        Assert.Equal(100_000, PulumiYaml.Decode(yaml) is GoMap root && root.Entries[0].Value is GoMap config && config.Entries[0].Value is GoMap tags ? tags.Entries.Count : 0);
    }

    [Fact]
    public void A_stack_without_config_gets_every_default() =>
        Assert.Empty(Read("encryptionsalt: v1:abc\n").Config.Values);

    [Fact]
    public void An_empty_stack_file_gets_every_default() =>
        Assert.Empty(Read("# nothing yet\n").Config.Values);

    [Fact]
    public void A_missing_stack_file_says_how_to_make_one()
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: demo\nruntime: dotnet\n");
        var error = Assert.Throws<StackFileException>(() => StackFile.Read(_dir, "prod"));
        Assert.Equal($"{Path.Combine(_dir, "Pulumi.prod.yaml")} not found: create it with `pulumi stack init prod` or copy Pulumi.dev.yaml", error.Message);
    }

    [Fact]
    public void Broken_yaml_names_the_file_and_line()
    {
        var error = Assert.Throws<StackFileException>(() => Read("config:\n  demo:tags: {a: b\n"));
        Assert.StartsWith($"{Path.Combine(_dir, "Pulumi.s.yaml")}:", error.Message);
    }

    [Fact]
    public void Load_throws_what_render_would_report()
    {
        Read("config:\n  demo:kubernetesVersion: 1.30\n");
        var error = Assert.Throws<InvalidStackConfigException>(() => StackFile.Load(_dir, "s"));
        Assert.Contains("quote it: \"1.30\"", error.Message);
    }

    [Fact]
    public void Pulumi_config_environment_lists_the_projects_keys_only()
    {
        var keys = PulumiConfigEnvironment.KeysIn("""{"demo:vpcCidr":"10.0.0.0/16","demo:config:schedular":"rr","aws:region":"eu-west-1"}""", "demo");
        Assert.Equal(["schedular", "vpcCidr"], keys);
        Assert.Empty(PulumiConfigEnvironment.KeysIn(null, "demo"));
    }

    /// <summary>The tricky fixtures and the shipped stack, as paths from the repository root.</summary>
    public static TheoryData<string> ParityFiles() =>
    [
        .. Directory.GetFiles(Repo.Path("tests", "Core.Tests", "parity"), "*.yaml")
            .Append(Repo.Path("Pulumi.dev.yaml"))
            .Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Each tricky stack file beside its golden JSON: the values `pulumi up` would hand the program, the
    /// Pulumi rules (and the Pulumi source file deciding each) that the file needed, and what render reports.</summary>
    [Theory]
    [MemberData(nameof(ParityFiles))]
    public void Parity_with_what_pulumi_hands_the_program(string file)
    {
        Golden.Matches($"parity/{Path.ChangeExtension(Path.GetFileName(file), ".json")}", Parity(File.ReadAllText(Repo.Path(file))));
    }

    internal static string Parity(string yaml)
    {
        var json = new JsonObject();
        try
        {
            var loaded = StackFile.FromText(yaml, Stacks.Project, "parity");
            json["rules"] = new JsonArray(loaded.Rules
                .Select(r => (JsonNode)new JsonObject { ["rule"] = r.Rule, ["decidedBy"] = r.DecidedBy }).ToArray());
            // A secret reaches the program decrypted; offline only its place is known.
            json["programReceives"] = new JsonObject(loaded.PulumiConfig.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(
                !kv.Value.Secret ? kv.Value.Text
                : kv.Value.Object ? SecureValues().Replace(kv.Value.Text, "\"<decrypted by pulumi up>\"")
                : "<decrypted by pulumi up>"))));
            json["secrets"] = new JsonArray(loaded.PulumiConfig.Where(kv => kv.Value.Secret).Select(kv => (JsonNode)kv.Key).ToArray());
            var result = StackCheck.Validate(loaded, Today);
            json["renderErrors"] = new JsonArray(result.Errors.Select(e => (JsonNode)e.ToString()).ToArray());
            json["renderWarnings"] = new JsonArray(result.Warnings.Select(e => (JsonNode)e.ToString()).ToArray());
        }
        catch (PulumiYamlException e)
        {
            json["pulumiRefuses"] = e.Message;
        }
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
