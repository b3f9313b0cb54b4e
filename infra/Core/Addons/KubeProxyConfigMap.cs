using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Core.Addons;

/// <summary>
/// For clusters whose kube-proxy is EKS's self-managed DaemonSet rather than the add-on: its configuration is the
/// KubeProxyConfiguration YAML in ConfigMap kube-system/kube-proxy-config, key "config". Only mode and
/// ipvs.scheduler are changed; every other setting of the live object is kept as it is.
/// </summary>
public static class KubeProxyConfigMap
{
    public const string Namespace = "kube-system";
    public const string Name = "kube-proxy-config";
    public const string Key = "config";
    public const string DaemonSet = "kube-proxy";

    /// <summary>The ConfigMap's data with its config rewritten; see <see cref="Rewrite(string, ClusterSpec)"/>.</summary>
    /// <exception cref="InvalidDataException">The ConfigMap has no "config" key, or it is not a YAML mapping.</exception>
    public static string Rewrite(IReadOnlyDictionary<string, string> liveData, ClusterSpec spec) =>
        liveData.TryGetValue(Key, out var config)
            ? Rewrite(config, spec)
            : throw new InvalidDataException(
                $"{Namespace}/{Name} has no '{Key}' key (keys: {string.Join(", ", liveData.Keys)}); is kube-proxy really EKS's self-managed DaemonSet? " +
                "allowed: kubeProxyManagement addon, or a cluster with the self-managed kube-proxy");

    /// <summary>The live config with mode (and, in IPVS mode, ipvs.scheduler) set to the spec's. Idempotent.
    /// Key order, values and quoting are kept; YAML comments are not (EKS writes none).</summary>
    /// <exception cref="InvalidDataException">The live config is not a YAML mapping.</exception>
    public static string Rewrite(string liveConfig, ClusterSpec spec)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(liveConfig));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{Namespace}/{Name} key '{Key}' is not valid YAML: {e.Message}", e);
        }
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{Namespace}/{Name} key '{Key}' is not a KubeProxyConfiguration mapping");
        }
        root.Children[new YamlScalarNode("mode")] = new YamlScalarNode(spec.ProxyModeName);
        if (spec.IpvsScheduler is { } scheduler)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode("ipvs"), out var ipvs) || ipvs is not YamlMappingNode ipvsSettings)
            {
                ipvsSettings = new YamlMappingNode();
                root.Children[new YamlScalarNode("ipvs")] = ipvsSettings;
            }
            ipvsSettings.Children[new YamlScalarNode("scheduler")] = new YamlScalarNode(scheduler);
        }
        var text = new StringWriter();
        yaml.Save(text, assignAnchors: false);
        // YamlStream ends every document with an explicit "..." marker; the ConfigMap never had one.
        const string documentEnd = "\n...\n";
        var saved = text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        return saved.EndsWith(documentEnd, StringComparison.Ordinal) ? saved[..^(documentEnd.Length - 1)] : saved;
    }
}
