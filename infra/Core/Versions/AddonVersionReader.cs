using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Versions;

/// <summary>Validates "addonVersions" ({kubeProxy, vpcCni, coreDns}, each optional) and fills the rest from
/// <see cref="AddonVersions.Defaults"/>.</summary>
internal static class AddonVersionReader
{
    /// <summary>The newest kube-proxy add-on configuration schema found published (shared/reference), and its
    /// mode enum; see README "Upgrading Kubernetes".</summary>
    public const string NewestKubeProxySchema = "v1.28.8-eksbuild.5";

    public static AddonVersionSet Read(Reader read, int? minor, KubeProxyManagement management, ProxyMode mode)
    {
        var key = ConfigKeys.AddonVersions;
        var given = read.StringMap(key);
        var fields = AddonVersions.All.Select(AddonVersions.Key).ToList();
        foreach (var (field, value) in given.Where(g => !fields.Contains(g.Key, StringComparer.Ordinal)))
        {
            read.Error(read.Qualified($"{key.Name}.{field}"), Reader.Display(value),
                Reader.UnknownKeyProblem(field, fields), string.Join(", ", fields));
        }

        string? Version(EksAddon addon)
        {
            var field = AddonVersions.Key(addon);
            var path = read.Qualified($"{key.Name}.{field}");
            var name = AddonVersions.EksName(addon);
            var example = minor is { } m ? AddonVersions.DefaultFor(addon, m) : null;
            var lookUp = $"aws eks describe-addon-versions --addon-name {name}" + (minor is { } k ? $" --kubernetes-version 1.{k}" : "");
            if (given.TryGetValue(field, out var version))
            {
                if (addon == EksAddon.KubeProxy && management == KubeProxyManagement.SelfManaged)
                {
                    read.Error(path, Reader.Display(version),
                        "set while kubeProxyManagement is selfManaged, so there is no kube-proxy add-on to pin",
                        "remove addonVersions.kubeProxy, or set kubeProxyManagement to addon");
                    return null;
                }
                if (!AddonVersions.IsWellFormed(version))
                {
                    read.Error(path, Reader.Display(version), $"not an EKS {name} add-on version",
                        $"v<major>.<minor>.<patch>-eksbuild.<build>, e.g. {example ?? "v1.34.6-eksbuild.13"}, as listed by `{lookUp}`");
                    return null;
                }
                // kube-proxy's own version is the Kubernetes version it serves; the other two are versioned on their own.
                if (addon == EksAddon.KubeProxy && minor is { } kubernetesMinor && AddonVersions.KubeProxyMinor(version) != kubernetesMinor)
                {
                    read.Error(path, Reader.Display(version),
                        $"a kube-proxy build for another Kubernetes version than kubernetesVersion 1.{kubernetesMinor}",
                        $"a v1.{kubernetesMinor}.<patch>-eksbuild.<build> build" + (example is null ? "" : $", e.g. {example}") + $", as listed by `{lookUp}`");
                    return null;
                }
                return version;
            }
            if (addon == EksAddon.KubeProxy && management == KubeProxyManagement.SelfManaged)
            {
                return null;
            }
            if (minor is not { } known)
            {
                return null; // kubernetesVersion is already reported
            }
            if (example is null)
            {
                read.Error(path, null,
                    $"this project's table (infra/Core/Versions/AddonVersions.cs) has no {name} version for Kubernetes 1.{known} " +
                    $"(it has {AddonVersions.MinorsWithDefault(addon)})",
                    $"a version from `{lookUp}` in addonVersions.{field}, or a row added to the table");
            }
            return example;
        }

        var kubeProxy = Version(EksAddon.KubeProxy);
        if (kubeProxy is not null && mode == ProxyMode.Nftables)
        {
            // No published schema shows that any add-on version takes mode nftables; EKS checks at apply time.
            read.Warning(read.Qualified($"{key.Name}.{AddonVersions.Key(EksAddon.KubeProxy)}"), Reader.Display(kubeProxy),
                $"no published kube-proxy add-on schema was found that allows mode nftables (the newest found, {NewestKubeProxySchema}, " +
                "allows iptables and ipvs), so EKS may refuse this configuration when it applies it",
                "before `pulumi up`, check that `aws eks describe-addon-configuration --addon-name kube-proxy --addon-version " +
                $"{kubeProxy}` lists nftables under mode, or use kubeProxyManagement selfManaged");
        }
        var vpcCni = Version(EksAddon.VpcCni);
        var coreDns = Version(EksAddon.CoreDns);
        return new AddonVersionSet(kubeProxy, vpcCni ?? "", coreDns ?? "");
    }
}
