using System.Text.RegularExpressions;

namespace EksIpvs.Core.Validation;

/// <summary>Kubernetes label and taint syntax (apimachinery's IsQualifiedName and IsValidLabelValue).</summary>
internal static partial class Labels
{
    public const string KeyRule =
        "[prefix/]name: name 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; prefix a DNS subdomain of at most 253 characters";

    public const string ValueRule =
        "empty, or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

    public static bool IsQualifiedName(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0)
        {
            return NamePattern().IsMatch(key);
        }
        var prefix = key[..slash];
        return prefix.Length is > 0 and <= 253 && SubdomainPattern().IsMatch(prefix) && NamePattern().IsMatch(key[(slash + 1)..]);
    }

    /// <summary>Labels kubelet may set on its own Node (k8s.io/kubernetes pkg/kubelet/apis/well_known_labels.go;
    /// kubelet's --node-labels check in cmd/kubelet/app/options/options.go). EKS passes a managed node group's
    /// labels to kubelet that way, and kubelet refuses to start on any other key in the kubernetes.io or k8s.io
    /// namespaces, so the group's nodes would never join. Checked 2026-11-29.</summary>
    public static readonly IReadOnlyList<string> KubeletLabels =
    [
        "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "beta.kubernetes.io/os",
        "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
        "kubernetes.io/arch", "kubernetes.io/hostname", "kubernetes.io/os",
        "node.kubernetes.io/instance-type", "topology.kubernetes.io/region", "topology.kubernetes.io/zone",
    ];

    /// <summary>Namespaces (and their subdomains) kubelet may use for its own labels.</summary>
    public static readonly IReadOnlyList<string> KubeletLabelNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    public static readonly string KubeletRule =
        "kubelet sets no other key in the kubernetes.io or k8s.io namespaces on its own node: use a key under " +
        $"{string.Join(" or ", KubeletLabelNamespaces.Select(n => n + "/"))}, one of {string.Join(", ", KubeletLabels)}, " +
        "or a prefix of your own (e.g. example.com/role)";

    /// <summary>False for a key kubelet refuses in --node-labels (a kubernetes.io or k8s.io key it may not set).</summary>
    public static bool IsKubeletAssignable(string key)
    {
        var slash = key.IndexOf('/');
        var prefix = slash < 0 ? "" : key[..slash];
        static bool InDomain(string prefix, string domain) =>
            prefix == domain || prefix.EndsWith("." + domain, StringComparison.Ordinal);
        if (!InDomain(prefix, "kubernetes.io") && !InDomain(prefix, "k8s.io"))
        {
            return true;
        }
        return KubeletLabels.Contains(key, StringComparer.Ordinal) || KubeletLabelNamespaces.Any(n => InDomain(prefix, n));
    }

    public static bool IsValue(string value) => value.Length == 0 || NamePattern().IsMatch(value);

    [GeneratedRegex("^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();
}
