using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Validation;

/// <summary>Validates the "nodeGroups" list, one entry and one field at a time, into <see cref="NodeGroupSpec"/>s.</summary>
internal static partial class NodeGroupReader
{
    private static readonly string[] Effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public static IReadOnlyList<NodeGroupSpec> Read(Reader read, StackConfig config)
    {
        var key = ConfigKeys.NodeGroups;
        if (read.Json(key, JsonValueKind.Array, "a list of node groups, e.g. [{\"name\": \"general\"}]") is not { } list)
        {
            return [];
        }
        var groups = new List<NodeGroupSpec>();
        var entries = list.EnumerateArray().ToList();
        if (entries.Count == 0)
        {
            read.Error(key, "empty: the cluster would have no nodes for kube-proxy, CoreDNS or workloads", "at least one node group");
        }
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var path = read.Qualified($"{key.Name}[{i}]");
            if (entries[i].ValueKind != JsonValueKind.Object)
            {
                read.Error(path, entries[i].GetRawText(), "not an object", "an object with at least a name, e.g. {\"name\": \"general\"}");
                continue;
            }
            var group = ReadGroup(read, new Entry(read, entries[i], path));
            if (group is null)
            {
                continue;
            }
            if (seen.TryGetValue(group.Name, out var first))
            {
                read.Error($"{path}.name", Reader.Display(group.Name), $"the same name as {key.Name}[{first}] (names are compared ignoring case)",
                    "a name used once in the stack");
            }
            else
            {
                seen[group.Name] = i;
            }
            groups.Add(group);
        }
        return groups;
    }

    private static NodeGroupSpec? ReadGroup(Reader read, Entry entry)
    {
        entry.RejectUnknownFields();
        var name = entry.String("name");
        if (name is null)
        {
            read.Error($"{entry.Path}.name", null, "missing", "a name of 1-36 letters, digits, - and _");
        }
        else if (!NodeGroupNamePattern().IsMatch(name))
        {
            entry.Error("name", "not a valid node group name", "letters, digits, - and _, starting with a letter or digit");
        }
        else if (name.Length > MaxNameLength)
        {
            // The EKS name is "<name>-" plus a 26-character unique suffix, within EKS's 63.
            entry.Error("name", $"{name.Length} characters, too long for a node group name prefix",
                $"at most {MaxNameLength} characters (node_group_name_prefix takes 37 with the dash, terraform-provider-aws)");
        }

        var os = entry.Choice("operatingSystem", "AL2023", ["AL2023", "Bottlerocket"]) == "Bottlerocket"
            ? NodeOperatingSystem.Bottlerocket : NodeOperatingSystem.AL2023;
        var arch = entry.Choice("architecture", "x86_64", ["x86_64", "arm64"]) == "arm64"
            ? CpuArchitecture.Arm64 : CpuArchitecture.X86_64;

        var instanceTypes = entry.StringList("instanceTypes") ?? [arch == CpuArchitecture.Arm64 ? "m7g.large" : "m6i.large"];
        if (instanceTypes.Count is 0 or > MaxInstanceTypes)
        {
            entry.Error("instanceTypes", instanceTypes.Count == 0 ? "empty" : $"{instanceTypes.Count} instance types",
                $"1 to {MaxInstanceTypes} EC2 instance types, e.g. [\"m6i.large\"]");
        }
        foreach (var type in instanceTypes.Where(t => !InstanceTypePattern().IsMatch(t)))
        {
            entry.Error("instanceTypes", $"'{type}' is not an EC2 instance type", "family.size, e.g. m6i.large or c7g.2xlarge");
        }
        foreach (var type in instanceTypes.Where(t => InstanceTypes.ArchitectureOf(t) is { } a && a != arch))
        {
            var (typeArch, groupArch) = arch == CpuArchitecture.Arm64 ? ("x86_64", "arm64") : ("arm64 (AWS Graviton)", "x86_64");
            entry.Error("instanceTypes", $"{type} is an {typeArch} instance type, but the group's architecture is {groupArch}",
                arch == CpuArchitecture.Arm64
                    ? "Graviton types (a g after the generation, e.g. m7g.large, c7gn.xlarge), or architecture x86_64"
                    : "x86_64 types (no g after the generation, e.g. m6i.large, c7a.xlarge), or architecture arm64");
        }

        var capacity = entry.Choice("capacityType", "ON_DEMAND", ["ON_DEMAND", "SPOT"]);
        if (capacity == "SPOT" && instanceTypes.Count == 1)
        {
            read.Warning($"{entry.Path}.instanceTypes", entry.Raw("instanceTypes"),
                "a SPOT group with one instance type loses all its nodes when that type's spot capacity runs out",
                "list several interchangeable types, e.g. [\"m6i.large\", \"m6a.large\", \"m5.large\"]");
        }

        var min = entry.Integer("minSize") ?? 2;
        var desired = entry.Integer("desiredSize") ?? min;
        var max = entry.Integer("maxSize") ?? Math.Max(desired, 4);
        ValidateSizes(entry, min, desired, max);

        var disk = entry.Integer("diskSize") ?? 50;
        if (disk is < 20 or > 16384)
        {
            entry.Error("diskSize", "out of range", "20 to 16384 (GiB)");
        }

        var labels = entry.StringMap("labels");
        foreach (var (labelKey, labelValue) in labels)
        {
            if (!Labels.IsQualifiedName(labelKey))
            {
                read.Error($"{entry.Path}.labels[\"{labelKey}\"]", Reader.Display(labelValue), "invalid label key", Labels.KeyRule);
            }
            if (!Labels.IsValue(labelValue))
            {
                read.Error($"{entry.Path}.labels[\"{labelKey}\"]", Reader.Display(labelValue), "invalid label value", Labels.ValueRule);
            }
            if (Labels.IsQualifiedName(labelKey) && !Labels.IsKubeletAssignable(labelKey))
            {
                read.Error($"{entry.Path}.labels[\"{labelKey}\"]", Reader.Display(labelValue),
                    "EKS hands node-group labels to kubelet, which refuses this key and never starts", Labels.KubeletRule);
            }
        }

        var taints = ReadTaints(read, entry);
        var extraUserData = entry.String("extraUserData");
        if (extraUserData is not null && !extraUserData.StartsWith("#!", StringComparison.Ordinal))
        {
            entry.Error("extraUserData", "cloud-init runs a shell part only if it starts with an interpreter line",
                "a script starting with #!/bin/bash");
        }
        if (extraUserData is not null && os == NodeOperatingSystem.Bottlerocket)
        {
            entry.Error("extraUserData", "Bottlerocket runs no shell user data (it takes TOML settings only)",
                "remove extraUserData, or use operatingSystem AL2023");
        }

        var amiReleaseVersion = entry.String("amiReleaseVersion");
        if (amiReleaseVersion is not null && !AmiReleaseVersions.IsWellFormed(os, amiReleaseVersion))
        {
            entry.Error("amiReleaseVersion", $"not an EKS {os} AMI release version", AmiReleaseVersions.Format(os));
        }
        var hopLimit = entry.Integer("imdsHopLimit") ?? 1;
        if (hopLimit is not (1 or 2))
        {
            entry.Error("imdsHopLimit", "out of range",
                "1 (only the node reaches instance metadata) or 2 (pods too, e.g. for tools that read the node role)");
        }

        return name is null ? null : new NodeGroupSpec
        {
            Name = name,
            InstanceTypes = instanceTypes,
            CapacityType = capacity ?? "ON_DEMAND",
            MinSize = min,
            DesiredSize = desired,
            MaxSize = max,
            DiskSize = disk,
            Labels = labels,
            Taints = taints,
            OperatingSystem = os,
            Architecture = arch,
            ExtraUserData = extraUserData,
            AmiReleaseVersion = amiReleaseVersion,
            ImdsHopLimit = hopLimit,
        };
    }

    private static void ValidateSizes(Entry entry, int min, int desired, int max)
    {
        foreach (var (field, value) in new[] { ("minSize", min), ("desiredSize", desired), ("maxSize", max) })
        {
            if (value < 0)
            {
                entry.Error(field, "negative", "0 or more");
            }
        }
        if (max < 1)
        {
            entry.Error("maxSize", "EKS needs room for at least one node", "1 or more");
        }
        const string order = "minSize <= desiredSize <= maxSize";
        if (min > max)
        {
            entry.Error("minSize", $"larger than maxSize ({max})", order);
            return;
        }
        if (min > desired)
        {
            entry.Error("minSize", $"larger than desiredSize ({desired})", order);
        }
        if (desired > max)
        {
            entry.Error("desiredSize", $"larger than maxSize ({max})", order);
        }
    }

    private static IReadOnlyList<NodeTaint> ReadTaints(Reader read, Entry entry)
    {
        var taints = new List<NodeTaint>();
        if (entry.Array("taints") is not { } list)
        {
            return taints;
        }
        if (list.Count > MaxTaints)
        {
            entry.Error("taints", $"{list.Count} taints", $"at most {MaxTaints}");
        }
        for (var i = 0; i < list.Count; i++)
        {
            var taint = new Entry(read, list[i], $"{entry.Path}.taints[{i}]", ["key", "value", "effect"]);
            if (list[i].ValueKind != JsonValueKind.Object)
            {
                read.Error(taint.Path, list[i].GetRawText(), "not an object", "{key, value, effect}");
                continue;
            }
            taint.RejectUnknownFields();
            var key = taint.String("key");
            var value = taint.String("value");
            var effect = taint.Choice("effect", null, Effects);
            if (key is null || !Labels.IsQualifiedName(key))
            {
                read.Error($"{taint.Path}.key", key is null ? null : Reader.Display(key), key is null ? "missing" : "invalid taint key", Labels.KeyRule);
            }
            if (value is not null && !Labels.IsValue(value))
            {
                taint.Error("value", "invalid taint value", Labels.ValueRule);
            }
            if (key is not null && effect is not null)
            {
                taints.Add(new NodeTaint(key, value, effect));
            }
        }
        return taints;
    }

    private const int MaxInstanceTypes = 20; // EKS managed node group limit
    private const int MaxTaints = 50;        // EKS managed node group limit
    public const int MaxNameLength = 36;     // node_group_name_prefix: 63 - 26-character suffix = 37, with the dash

    [GeneratedRegex("^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex NodeGroupNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")]
    private static partial Regex InstanceTypePattern();

    /// <summary>One JSON object of the config (a node group or a taint) and its path for messages.</summary>
    internal sealed class Entry(Reader read, JsonElement json, string path, IReadOnlyList<string>? fields = null)
    {
        private readonly IReadOnlyList<string> _fields = fields ?? ConfigKeys.NodeGroupFields.Select(f => f.Name).ToList();

        public string Path => path;

        public void RejectUnknownFields()
        {
            foreach (var property in json.EnumerateObject().Where(p => !_fields.Contains(p.Name, StringComparer.Ordinal)))
            {
                read.Error($"{path}.{property.Name}", property.Value.GetRawText(), Reader.UnknownKeyProblem(property.Name, _fields),
                    string.Join(", ", _fields));
            }
        }

        /// <summary>The field as the user wrote it: strings quoted, structures as compact JSON, numbers bare.</summary>
        public string? Raw(string field)
        {
            if (!json.TryGetProperty(field, out var value))
            {
                return null;
            }
            return value.ValueKind switch
            {
                JsonValueKind.String => Reader.Display(value.GetString()!),
                JsonValueKind.Array or JsonValueKind.Object => Reader.Display(value.GetRawText()),
                _ => value.GetRawText(),
            };
        }

        public void Error(string field, string problem, string allowed) =>
            read.Error($"{path}.{field}", Raw(field), problem, allowed);

        public string? String(string field)
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(field, "not a string", "a string");
                return null;
            }
            return value.GetString();
        }

        public string? Choice(string field, string? fallback, IReadOnlyList<string> choices)
        {
            var text = String(field);
            if (text is null)
            {
                return fallback;
            }
            if (choices.Contains(text, StringComparer.Ordinal))
            {
                return text;
            }
            Error(field, "not one of the choices", string.Join(", ", choices));
            return fallback;
        }

        public int? Integer(string field)
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                return number;
            }
            if (value.ValueKind == JsonValueKind.String
                && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }
            Error(field, "not an integer", "a whole number");
            return null;
        }

        public IReadOnlyList<JsonElement>? Array(string field)
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                Error(field, "not a list", "a list");
                return null;
            }
            return value.EnumerateArray().ToList();
        }

        public IReadOnlyList<string>? StringList(string field)
        {
            if (Array(field) is not { } items)
            {
                return null;
            }
            if (items.Any(i => i.ValueKind != JsonValueKind.String))
            {
                Error(field, "has an item that is not a string", "a list of strings");
                return [];
            }
            return items.Select(i => i.GetString()!).ToList();
        }

        public IReadOnlyDictionary<string, string> StringMap(string field)
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return new SortedDictionary<string, string>(StringComparer.Ordinal);
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                Error(field, "not a map", "a map of strings to strings");
                return new SortedDictionary<string, string>(StringComparer.Ordinal);
            }
            return read.StringMap(value, $"{path}.{field}");
        }
    }
}
