using System.Text.Json;
using System.Text.RegularExpressions;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Core.Tests;

/// <summary>Pulumi.yaml's config block and the README's config reference say what the code does.</summary>
public partial class ProjectFileTests
{
    private static readonly YamlMappingNode Project = StackFile.ReadMapping(Repo.Path("Pulumi.yaml"));

    private static YamlMappingNode Section(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    [Fact]
    public void Pulumi_yaml_declares_every_simple_key_with_the_codes_type_default_and_description()
    {
        var declared = Section(Project, "config");
        Assert.Equal(
            ConfigKeys.All.Where(k => k.DeclaredInProjectFile).Select(k => k.Name),
            declared.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        foreach (var key in ConfigKeys.All.Where(k => k.DeclaredInProjectFile))
        {
            var entry = Section(declared, key.Name);
            Assert.Equal(key.ProjectFileType, ((YamlScalarNode)entry.Children[new YamlScalarNode("type")]).Value);
            Assert.Equal(key.Description, ((YamlScalarNode)entry.Children[new YamlScalarNode("description")]).Value);
            // A declared key without a default is required by `pulumi up` in every stack file.
            Assert.True(entry.Children.TryGetValue(new YamlScalarNode("default"), out var yamlDefault), $"{key.Name} is declared without a default");
            Assert.Equal(key.Default, YamlAsConfigText(yamlDefault!));
        }
    }

    [Fact]
    public void The_shipped_dev_stack_is_valid()
    {
        var result = SpecValidator.Validate(StackFile.Load(Repo.Root, "dev"), Stacks.Today);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        // IPVS on the default Kubernetes version: deprecated upstream, still supported, and the stack says so.
        Assert.Equal(["eks-ipvs:proxyMode = \"ipvs\": " + Stacks.IpvsDeprecated], result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Template_prompts_only_for_keys_that_exist()
    {
        var prompts = Section(Section(Project, "template"), "config").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        Assert.Contains("aws:region", prompts);
        foreach (var prompt in prompts.Where(p => p.StartsWith("eks-ipvs:", StringComparison.Ordinal)))
        {
            Assert.Contains(prompt["eks-ipvs:".Length..], ConfigKeys.All.Select(k => k.Name));
        }
    }

    [Fact]
    public void Readme_config_reference_matches_the_code()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        Assert.Equal(ConfigKeys.All.Select(Row), TableRows(readme, "config-reference"));
        Assert.Equal(ConfigKeys.NodeGroupFields.Select(Row), TableRows(readme, "nodegroup-reference"));
    }

    /// <summary>The README row for a key, so a missing or stale row fails the test with the row to paste.</summary>
    private static string Row(ConfigKey key) =>
        $"| `{key.Name}` | {key.ProjectFileType} | {(key.Default is null ? "see description" : $"`{key.Default}`")} | {key.Description.Replace("|", "\\|", StringComparison.Ordinal)} |";

    private static List<string> TableRows(string readme, string marker)
    {
        var match = Regex.Match(readme, $"<!-- {marker}:start -->(.*?)<!-- {marker}:end -->", RegexOptions.Singleline);
        Assert.True(match.Success, $"README.md has no <!-- {marker}:start --> ... <!-- {marker}:end --> block");
        return match.Groups[1].Value.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
    }

    /// <summary>A Pulumi.yaml default written the way our ConfigKeys write defaults (JSON for lists).</summary>
    private static string YamlAsConfigText(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value!,
        YamlSequenceNode sequence => JsonSerializer.Serialize(sequence.Children.Select(c => ((YamlScalarNode)c).Value)),
        _ => throw new InvalidDataException($"unexpected default {node}"),
    };
}
