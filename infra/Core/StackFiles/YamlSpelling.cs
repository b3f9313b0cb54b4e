using EksIpvs.Core.Validation;

namespace EksIpvs.Core.StackFiles;

/// <summary>
/// Where the project expects text and YAML silently read the user's unquoted text as something else, so that
/// `pulumi up` would receive a different spelling (`kubernetesVersion: 1.30` arrives as "1.3", a label `True` as
/// the boolean true), the user surely meant the text: an error asks to quote it, naming both spellings.
/// Text that only YAML 1.1 read as a boolean (`on`, `yes`, ...: yaml.v2, Pulumi CLIs before v3.50.0) gets a warning.
/// </summary>
internal static class YamlSpelling
{
    public sealed record Result(IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings);

    public static Result Check(string project, string key, GoValue value)
    {
        var errors = new List<ConfigIssue>();
        var warnings = new List<ConfigIssue>();
        var configKey = ConfigKeys.All.FirstOrDefault(k => k.Name == key);
        if (configKey is not null)
        {
            Walk($"{project}:{key}", configKey.Type, value, topLevel: true, errors, warnings);
        }
        return new Result(errors, warnings);
    }

    private static void Walk(string path, ConfigType type, GoValue value, bool topLevel, List<ConfigIssue> errors, List<ConfigIssue> warnings)
    {
        switch (type)
        {
            case ConfigType.String:
                Text(path, value, topLevel, errors, warnings);
                break;
            case ConfigType.StringList when value is GoList list:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Text($"{path}[{i}]", list.Items[i], false, errors, warnings);
                }
                break;
            case ConfigType.StringMap when value is GoMap map:
                foreach (var (name, item) in map.Entries)
                {
                    Text($"{path}[\"{name}\"]", item, false, errors, warnings);
                }
                break;
            case ConfigType.NodeGroupList when value is GoList list:
                // nodeGroups entries and their taints: the same field-path spelling as the validator's messages.
                var fields = path.EndsWith(".taints", StringComparison.Ordinal)
                    ? [new ConfigKey("key", ConfigType.String, null, ""), new ConfigKey("value", ConfigType.String, null, ""), new ConfigKey("effect", ConfigType.String, null, "")]
                    : ConfigKeys.NodeGroupFields;
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (list.Items[i] is not GoMap entry)
                    {
                        continue;
                    }
                    foreach (var (name, item) in entry.Entries)
                    {
                        if (fields.FirstOrDefault(f => f.Name == name) is { } field)
                        {
                            Walk($"{path}[{i}].{name}", field.Type, item, false, errors, warnings);
                        }
                    }
                }
                break;
        }
    }

    private static void Text(string path, GoValue value, bool topLevel, List<ConfigIssue> errors, List<ConfigIssue> warnings)
    {
        if (value.Written is not { } written)
        {
            return;
        }
        if (value is GoString)
        {
            warnings.Add(new ConfigIssue(path, written,
                $"Pulumi CLIs before v3.50.0 (YAML 1.1) read the unquoted {written} as a boolean; current ones keep the text",
                $"quote it: \"{written}\"", IsWarning: true));
            return;
        }
        if (value is GoNull || (value is GoTime ? false : PulumiConfigText.Scalar(value) == written))
        {
            return; // same spelling either way (e.g. 2 or true): the validator judges the value itself
        }
        var received = topLevel ? $"pulumi up would receive \"{PulumiConfigText.Scalar(value)}\"" : "pulumi up would receive that, not text";
        errors.Add(new ConfigIssue(path, written,
            $"YAML reads the unquoted {written} as {PulumiYaml.Describe(value)}, so {received}",
            $"quote it: \"{written}\""));
    }
}
