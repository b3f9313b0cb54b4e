using System.Globalization;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>Add-on versions: the table, its defaults, and the addonVersions key with the messages a user sees.</summary>
public class AddonVersionTests
{
    [Fact]
    public void Every_row_is_a_well_formed_version_with_a_source_and_a_date()
    {
        foreach (var row in AddonVersions.Defaults)
        {
            Assert.True(AddonVersions.IsWellFormed(row.Version), $"{row}: not vX.Y.Z-eksbuild.N");
            Assert.False(string.IsNullOrWhiteSpace(row.Source), $"{row}: no source");
            Assert.True(DateOnly.TryParseExact(row.Checked, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                $"{row}: checked date is not yyyy-MM-dd");
        }
        Assert.Equal(AddonVersions.Defaults.Count, AddonVersions.Defaults.Select(d => (d.Addon, d.KubernetesMinor)).Distinct().Count());
    }

    [Fact]
    public void Each_kube_proxy_row_is_a_build_for_its_own_minor()
    {
        var rows = AddonVersions.Defaults.Where(d => d.Addon == EksAddon.KubeProxy).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(r.KubernetesMinor, AddonVersions.KubeProxyMinor(r.Version)));
    }

    [Fact]
    public void The_project_default_kubernetes_version_has_every_add_on_in_the_table()
    {
        var minor = SpecValidator.KubernetesMinor(ConfigKeys.KubernetesVersion.Default!)!.Value;
        Assert.All(AddonVersions.All, a => Assert.NotNull(AddonVersions.DefaultFor(a, minor)));
    }

    [Fact]
    public void Unset_versions_come_from_the_table_for_the_stacks_minor()
    {
        Assert.Equal(new AddonVersionSet("v1.35.3-eksbuild.13", "v1.21.1-eksbuild.1", "v1.14.3-eksbuild.3"), Valid().AddonVersions);
        Assert.Equal(new AddonVersionSet("v1.33.10-eksbuild.13", "v1.20.1-eksbuild.3", "v1.12.4-eksbuild.18"),
            Valid(("kubernetesVersion", "1.33")).AddonVersions);
    }

    [Fact]
    public void A_pinned_version_wins_and_the_others_keep_their_defaults()
    {
        var spec = Valid(("addonVersions", """{"kubeProxy": "v1.35.1-eksbuild.2", "coreDns": "v1.12.4-eksbuild.1"}"""));
        Assert.Equal(new AddonVersionSet("v1.35.1-eksbuild.2", "v1.21.1-eksbuild.1", "v1.12.4-eksbuild.1"), spec.AddonVersions);
    }

    [Fact]
    public void A_self_managed_kube_proxy_has_no_add_on_version()
    {
        Assert.Null(Valid(("kubeProxyManagement", "selfManaged")).AddonVersions.KubeProxy);
        Assert.Equal("eks-ipvs:addonVersions.kubeProxy = \"v1.34.6-eksbuild.13\": set while kubeProxyManagement is selfManaged, " +
                     "so there is no kube-proxy add-on to pin; allowed: remove addonVersions.kubeProxy, or set kubeProxyManagement to addon",
            SingleError(("kubeProxyManagement", "selfManaged"), ("addonVersions", """{"kubeProxy": "v1.34.6-eksbuild.13"}""")));
    }

    [Fact]
    public void A_kube_proxy_build_for_another_minor_is_an_error_naming_the_allowed_builds() =>
        Assert.Equal("eks-ipvs:addonVersions.kubeProxy = \"v1.33.10-eksbuild.13\": a kube-proxy build for another Kubernetes version " +
                     "than kubernetesVersion 1.35; allowed: a v1.35.<patch>-eksbuild.<build> build, e.g. v1.35.3-eksbuild.13, " +
                     "as listed by `aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version 1.35`",
            SingleError(("addonVersions", """{"kubeProxy": "v1.33.10-eksbuild.13"}""")));

    [Theory]
    [InlineData("1.21.1-eksbuild.1")]   // no v
    [InlineData("v1.21.1")]             // no eksbuild
    [InlineData("latest")]
    [InlineData("v1.21.1-eksbuild.1 ")]
    public void A_malformed_version_is_an_error(string version) =>
        Assert.Equal($"eks-ipvs:addonVersions.vpcCni = \"{version}\": not an EKS vpc-cni add-on version; allowed: " +
                     "v<major>.<minor>.<patch>-eksbuild.<build>, e.g. v1.21.1-eksbuild.1, " +
                     "as listed by `aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version 1.35`",
            SingleError(("addonVersions", $$"""{"vpcCni": "{{version}}"}""")));

    [Fact]
    public void An_unknown_field_is_an_error_with_a_suggestion() =>
        Assert.Equal("eks-ipvs:addonVersions.coredns = \"v1.13.2-eksbuild.11\": unknown key; did you mean coreDns?; allowed: kubeProxy, vpcCni, coreDns",
            SingleError(("addonVersions", """{"coredns": "v1.13.2-eksbuild.11"}""")));

    [Fact]
    public void A_minor_without_a_default_needs_the_version_pinned()
    {
        // 1.29 was still offered (in extended support) at the start of 2026, and the table has no rows for it.
        var day = new DateOnly(2026, 1, 1);
        var errors = SpecValidator.Validate(Config(("kubernetesVersion", "1.29")), day).Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("eks-ipvs:addonVersions.vpcCni: this project's table (infra/Core/Versions/AddonVersions.cs) has no vpc-cni version for " +
                        "Kubernetes 1.29 (it has 1.30-1.35); allowed: a version from " +
                        "`aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version 1.29` in addonVersions.vpcCni, or a row added to the table",
            errors);
        Assert.Equal(3, errors.Count);
        var pinned = SpecValidator.Validate(Config(("kubernetesVersion", "1.29"),
            ("addonVersions", """{"kubeProxy": "v1.29.15-eksbuild.2", "vpcCni": "v1.19.5-eksbuild.1", "coreDns": "v1.11.4-eksbuild.2"}""")), day);
        Assert.True(pinned.IsValid, string.Join("\n", pinned.Errors));
        Assert.Equal("v1.19.5-eksbuild.1", pinned.Spec!.AddonVersions.VpcCni);
    }

    [Fact]
    public void Nftables_on_the_add_on_warns_that_no_published_schema_allows_it()
    {
        var result = Validate(("proxyMode", "nftables"));
        Assert.True(result.IsValid);
        Assert.Equal("eks-ipvs:addonVersions.kubeProxy = \"v1.35.3-eksbuild.13\": no published kube-proxy add-on schema was found that " +
                     "allows mode nftables (the newest found, v1.28.8-eksbuild.5, allows iptables and ipvs), so EKS may refuse this " +
                     "configuration when it applies it; advice: before `pulumi up`, check that `aws eks describe-addon-configuration " +
                     "--addon-name kube-proxy --addon-version v1.35.3-eksbuild.13` lists nftables under mode, or use kubeProxyManagement selfManaged",
            Assert.Single(result.Warnings).ToString());
        // The self-managed path patches kube-proxy-config itself: no add-on schema involved.
        Assert.Empty(Validate(("proxyMode", "nftables"), ("kubeProxyManagement", "selfManaged"), ("endpointPublicAccess", "true"),
            ("endpointPublicAccessCidrs", """["203.0.113.0/24"]""")).Warnings);
    }

    [Fact]
    public void A_non_string_version_is_reported_as_such() =>
        Assert.Equal("eks-ipvs:addonVersions[\"vpcCni\"] = 1.21: not a string; allowed: a string value; quote it in YAML, e.g. \"true\"",
            SingleError(("addonVersions", """{"vpcCni": 1.21}""")));
}
