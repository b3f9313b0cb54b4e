using System.Text;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Nodes;

/// <summary>One MIME part of AL2023 user data.</summary>
public sealed record UserDataPart(string ContentType, string Content);

/// <summary>
/// What one node group's nodes receive from this project, per operating system.
/// AL2023: one shell part (it unpacks and runs this project's setup script) and the group's extraUserData part, which
/// cloud-init runs in that order before nodeadm starts kubelet (so before kube-proxy's first pod);
/// EKS merges the cluster's own NodeConfig part into them (the launch template names no AMI). Bottlerocket: kernel-module settings,
/// since it runs no shell user data. Neither ever starts or reconfigures kubelet.
/// </summary>
public sealed record NodeBootstrap
{
    public const string InstallDirectory = "/usr/local/libexec/eks-ipvs";
    public const string UnitDirectory = "/etc/systemd/system";
    public const string MimeBoundary = "==EKS-IPVS-BOUNDARY==";
    private const string HeredocDelimiter = "EKS_IPVS_FILE";

    /// <summary>The modules AWS documents for kube-proxy in IPVS mode, in that order.</summary>
    public static readonly IReadOnlyList<string> IpvsModules =
        ["ip_vs", .. SpecValidator.Schedulers.Select(s => $"ip_vs_{s}"), "nf_conntrack"];

    public required NodeOperatingSystem OperatingSystem { get; init; }

    /// <summary>AL2023 parts, in the order they run; empty for Bottlerocket.</summary>
    public required IReadOnlyList<UserDataPart> Parts { get; init; }

    /// <summary>AL2023: the project's node setup as the node runs it, decoded (the first part carries it gzip+base64,
    /// see <see cref="NodePayload"/>); null when the project puts nothing on the node.</summary>
    public required string? SetupScript { get; init; }

    /// <summary>Bottlerocket settings (top-level "settings" key), written as TOML user data, into which EKS merges
    /// its own; null when there are none.</summary>
    public required AddonConfiguration? BottlerocketSettings { get; init; }

    /// <summary>What a reader of the render should know about this group's nodes.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public static NodeBootstrap For(ClusterSpec cluster, NodeGroupSpec group) =>
        group.OperatingSystem == NodeOperatingSystem.Bottlerocket ? Bottlerocket(cluster) : Al2023(cluster, group);

    /// <summary>The user data file as the offline render writes it: MIME for AL2023, TOML for Bottlerocket.</summary>
    public string UserDataFile() =>
        OperatingSystem == NodeOperatingSystem.Bottlerocket ? BottlerocketToml() : Mime();

    private static NodeBootstrap Al2023(ClusterSpec cluster, NodeGroupSpec group)
    {
        var sections = new List<string>();
        var purposes = new List<string>();
        var notes = new List<string>();
        if (cluster.IpvsScheduler is { } scheduler)
        {
            sections.Add(Section(
                $"IPVS kernel modules for kube-proxy (mode ipvs, scheduler {scheduler}), loaded now and at every boot; ipvsadm.",
                [Script("ipvs-modules.sh"), Script("ipvsadm-ensure.sh")],
                [$"{InstallDirectory}/ipvs-modules.sh {scheduler}", $"{InstallDirectory}/ipvsadm-ensure.sh"]));
            purposes.Add("IPVS modules and ipvsadm");
            notes.Add($"IPVS: /etc/modules-load.d/ipvs.conf lists {IpvsModules.Count} modules; ip_vs, ip_vs_{scheduler} and nf_conntrack must load or the part fails.");
        }
        if (cluster.BandwidthPlugin)
        {
            sections.Add(Section(
                "Keeps the CNI bandwidth plugin chained in 10-aws.conflist, which aws-node rewrites on every start.",
                [Script("cni-bandwidth-guard.sh"), Unit("cni-bandwidth-guard.path"), Unit("cni-bandwidth-guard.service"), Script("cni-bandwidth-guard-enable.sh")],
                [$"{InstallDirectory}/cni-bandwidth-guard-enable.sh"]));
            purposes.Add("the CNI bandwidth guard");
            notes.Add("Bandwidth: the vpc-cni add-on's ENABLE_BANDWIDTH_PLUGIN chains it; a systemd path unit re-checks the conflist whenever aws-node replaces it.");
        }
        string? setup = null;
        var parts = new List<UserDataPart>();
        if (sections.Count > 0)
        {
            setup = RenderSetupScript(sections);
            parts.Add(NodePayload.Installer($"installs and runs this project's node setup: {string.Join(", ", purposes)}.", setup));
        }
        if (group.ExtraUserData is { } extra)
        {
            parts.Add(new UserDataPart("text/x-shellscript", extra.EndsWith('\n') ? extra : extra + "\n"));
            notes.Add("extraUserData: runs after this project's parts, before kubelet starts.");
        }
        if (parts.Count == 0)
        {
            notes.Add("No user data from this project: kube-proxy needs nothing on the node in this mode.");
        }
        return new NodeBootstrap
        {
            OperatingSystem = NodeOperatingSystem.AL2023,
            Parts = parts,
            SetupScript = setup,
            BottlerocketSettings = null,
            Notes = notes,
        };
    }

    private static NodeBootstrap Bottlerocket(ClusterSpec cluster)
    {
        var notes = new List<string>();
        AddonConfiguration? settings = null;
        if (cluster.IpvsScheduler is not null)
        {
            // Bottlerocket (1.16+) loads only allowed modules; autoload makes them load at boot, before kubelet.
            var modules = IpvsModules.ToDictionary(
                m => m,
                object (_) => new Dictionary<string, object> { ["allowed"] = true, ["autoload"] = true });
            settings = new AddonConfiguration(new Dictionary<string, object>
            {
                ["settings"] = new Dictionary<string, object>
                {
                    ["kernel"] = new Dictionary<string, object> { ["modules"] = modules },
                },
            });
            notes.Add($"IPVS: settings.kernel.modules allow and autoload {IpvsModules.Count} modules; Bottlerocket ships ipvsadm-free, kube-proxy needs none.");
        }
        if (cluster.BandwidthPlugin)
        {
            notes.Add("Bandwidth: comes from the vpc-cni add-on's ENABLE_BANDWIDTH_PLUGIN alone; Bottlerocket runs no shell, so there is no node-side guard.");
        }
        return new NodeBootstrap
        {
            OperatingSystem = NodeOperatingSystem.Bottlerocket,
            Parts = [],
            SetupScript = null,
            BottlerocketSettings = settings,
            Notes = notes,
        };
    }

    private sealed record NodeFile(string Name, string Directory, string Mode, string Content);

    private static NodeFile Script(string name) => new(name, InstallDirectory, "0755", NodeScripts.Compact(name));

    private static NodeFile Unit(string name) => new(name, UnitDirectory, "0644", NodeScripts.Compact(name));

    /// <summary>The setup script the installer part carries (gzip+base64) and runs: writes the repository's files
    /// in their compact form (quoted heredocs expand nothing), then runs them, one section per concern in the order
    /// they must run. tests/node executes exactly these bytes, taken from the golden render.</summary>
    private static string RenderSetupScript(IReadOnlyList<string> sections) =>
        new StringBuilder()
            .Append("#!/usr/bin/env bash\n")
            .Append($"# eks-ipvs: this project's node setup, unpacked by the first user data part into {InstallDirectory}.\n")
            .Append("# Rendered from infra/Core/Nodes/NodeScripts (comments there); edit those files, not this script.\n")
            .Append("set -euo pipefail\n")
            .Append($"install -d -m 0755 {InstallDirectory}\n")
            .AppendJoin("", sections)
            .ToString();

    private static string Section(string purpose, IReadOnlyList<NodeFile> files, IReadOnlyList<string> commands)
    {
        var text = new StringBuilder().Append($"# {purpose}\n");
        foreach (var file in files)
        {
            var path = $"{file.Directory}/{file.Name}";
            text.Append($"cat > {path} <<'{HeredocDelimiter}'\n")
                .Append(file.Content)
                .Append($"{HeredocDelimiter}\n")
                .Append($"chmod {file.Mode} {path}\n");
        }
        foreach (var command in commands)
        {
            text.Append(command).Append('\n');
        }
        return text.ToString();
    }

    private string Mime()
    {
        if (Parts.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder()
            .Append("MIME-Version: 1.0\n")
            .Append($"Content-Type: multipart/mixed; boundary=\"{MimeBoundary}\"\n");
        foreach (var part in Parts)
        {
            text.Append($"\n--{MimeBoundary}\n")
                .Append($"Content-Type: {part.ContentType}; charset=\"us-ascii\"\n\n")
                .Append(part.Content);
        }
        return text.Append($"\n--{MimeBoundary}--\n").ToString();
    }

    /// <summary>Bottlerocket's user data: TOML, into which EKS merges its own settings (cluster, endpoint, CA).</summary>
    private string BottlerocketToml() =>
        BottlerocketSettings is null ? "" : Tomlyn.TomlSerializer.Serialize(ToToml(BottlerocketSettings.ToDictionary()));

    private static Tomlyn.Model.TomlTable ToToml(Dictionary<string, object> map)
    {
        var table = new Tomlyn.Model.TomlTable();
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table[key] = value is Dictionary<string, object> nested ? ToToml(nested) : value;
        }
        return table;
    }

    /// <summary>Bytes of <see cref="UserDataFile"/>, as EC2 counts them (before base64).</summary>
    public int UserDataBytes => UserDataBudget.Bytes(UserDataFile());
}
