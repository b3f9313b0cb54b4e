using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>kubernetesVersion is judged against the one table of versions EKS offers, on a given day.</summary>
public class KubernetesVersionTests
{
    private static readonly DateOnly Today = StackFileTests.Today; // 2026-11-29

    private static SpecResult Validate(string version, DateOnly day) =>
        SpecValidator.Validate(Stacks.Config(("kubernetesVersion", version)), day);

    private const string OfferedOnCheckDay =
        "1.36 (standard support until 2027-08-02), 1.35 (standard support until 2027-03-27), 1.34 (standard support until 2026-12-02), " +
        "1.33 (extended support until 2027-07-29), 1.32 (extended support until 2027-03-23)";

    [Theory]
    [InlineData("1.9")]
    [InlineData("1.20")]
    [InlineData("1.31")] // extended support ended 2026-11-26
    public void A_version_eks_does_not_offer_is_an_error_listing_what_is_offered(string version)
    {
        Assert.Equal(
            $"eks-ipvs:kubernetesVersion = \"{version}\": not a version EKS offers on 2026-11-29 (table of 2026-12-02, infra/Core/Versions/KubernetesVersions.cs); allowed: {OfferedOnCheckDay}",
            Assert.Single(Validate(version, Today).Errors).ToString());
    }

    [Fact]
    public void A_version_in_extended_support_is_a_warning_about_the_cost()
    {
        var result = Validate("1.33", Today);
        Assert.True(result.IsValid);
        Assert.Equal(
            "eks-ipvs:kubernetesVersion = \"1.33\": 1.33 left EKS standard support on 2026-07-29: extended support costs extra per cluster hour " +
            "and ends on 2027-07-29 (table of 2026-12-02, infra/Core/Versions/KubernetesVersions.cs); advice: a version in standard support: " +
            "1.36 (standard support until 2027-08-02), 1.35 (standard support until 2027-03-27), 1.34 (standard support until 2026-12-02)",
            Assert.Single(result.Warnings).ToString());
    }

    [Fact]
    public void Support_ends_at_the_start_of_the_day_aws_names()
    {
        Assert.Empty(Validate("1.34", new DateOnly(2026, 12, 1)).Warnings);
        Assert.Single(Validate("1.34", new DateOnly(2026, 12, 2)).Warnings);
        Assert.True(Validate("1.34", new DateOnly(2027, 12, 1)).IsValid);
        Assert.False(Validate("1.34", new DateOnly(2027, 12, 2)).IsValid);
    }

    [Fact]
    public void A_version_yaml_shortened_from_1_30_says_to_quote_it_when_1_30_is_offered()
    {
        var error = Assert.Single(Validate("1.3", new DateOnly(2026, 1, 1)).Errors).ToString();
        Assert.Contains("if the stack file says 1.30 unquoted, YAML read it as the number 1.3: quote it, \"1.30\"", error);
    }

    [Fact]
    public void The_table_is_plain_data_in_order_with_twelve_months_of_extended_support_and_a_source_per_row()
    {
        Assert.Equal(KubernetesVersions.All.OrderBy(v => v.Minor), KubernetesVersions.All);
        Assert.Equal(KubernetesVersions.All.Count, KubernetesVersions.All.Select(v => v.Minor).Distinct().Count());
        foreach (var version in KubernetesVersions.All)
        {
            // AWS: "it enters extended support for the next 12 months".
            Assert.Equal(version.EndOfStandardSupport.AddMonths(12), version.EndOfExtendedSupport);
            Assert.False(string.IsNullOrWhiteSpace(version.Source));
        }
        Assert.Contains(KubernetesVersions.All, v => v.Name == ConfigKeys.KubernetesVersion.Default);
    }

    [Fact]
    public void A_minor_newer_than_the_table_is_a_warning_not_an_error_so_a_stale_table_never_blocks()
    {
        var result = SpecValidator.Validate(Stacks.Config(("kubernetesVersion", "1.37"), ("proxyMode", "nftables"),
            ("addonVersions", """{"kubeProxy": "v1.37.1-eksbuild.2", "vpcCni": "v1.21.1-eksbuild.1", "coreDns": "v1.14.3-eksbuild.3"}""")), Today);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Contains(
            "eks-ipvs:kubernetesVersion = \"1.37\": 1.37 is not in this project's table, checked on 2026-12-02 " +
            "(newest row 1.36, infra/Core/Versions/KubernetesVersions.cs); pulumi up will ask EKS for it; advice: if EKS does not offer 1.37 yet, " +
            "pulumi up fails when it creates the cluster; to know now, run `aws eks describe-cluster-versions`, and add a row to the table from " +
            KubernetesVersions.UpdateFrom,
            result.Warnings.Select(w => w.ToString()));
        Assert.Equal("1.37", result.Spec!.KubernetesVersion);
    }

    [Fact]
    public void A_minor_newer_than_the_table_needs_each_addon_version_the_table_cannot_default()
    {
        var errors = Validate("1.37", Today).Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(
        [
            "eks-ipvs:addonVersions.kubeProxy: this project's table (infra/Core/Versions/AddonVersions.cs) has no kube-proxy version for Kubernetes 1.37 " +
            "(it has 1.30-1.36); allowed: a version from `aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version 1.37` in addonVersions.kubeProxy, or a row added to the table",
            "eks-ipvs:addonVersions.vpcCni: this project's table (infra/Core/Versions/AddonVersions.cs) has no vpc-cni version for Kubernetes 1.37 " +
            "(it has 1.30-1.35); allowed: a version from `aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version 1.37` in addonVersions.vpcCni, or a row added to the table",
            "eks-ipvs:addonVersions.coreDns: this project's table (infra/Core/Versions/AddonVersions.cs) has no coredns version for Kubernetes 1.37 " +
            "(it has 1.30-1.36); allowed: a version from `aws eks describe-addon-versions --addon-name coredns --kubernetes-version 1.37` in addonVersions.coreDns, or a row added to the table",
        ], errors);
    }

    [Fact]
    public void Only_the_missing_addon_versions_are_asked_for()
    {
        // 1.36 is in the table; the add-on table has kube-proxy and CoreDNS builds for it but no sourced VPC CNI one.
        var result = Validate("1.36", Today);
        Assert.StartsWith("eks-ipvs:addonVersions.vpcCni: this project's table", Assert.Single(result.Errors).ToString());
        var pinned = SpecValidator.Validate(Stacks.Config(("kubernetesVersion", "1.36"), ("addonVersions", """{"vpcCni": "v1.21.1-eksbuild.1"}""")), Today);
        Assert.True(pinned.IsValid, string.Join("\n", pinned.Errors));
        Assert.Equal("v1.36.0-eksbuild.14", pinned.Spec!.AddonVersions.KubeProxy);
    }

    [Fact]
    public void A_version_whose_support_ended_stays_an_error_however_old_the_table()
    {
        Assert.Contains("not a version EKS offers on 2027-12-02", Assert.Single(Validate("1.34", new DateOnly(2027, 12, 2)).Errors).ToString());
    }

    [Fact]
    public void Every_row_names_its_source_and_the_day_it_was_checked()
    {
        Assert.All(KubernetesVersions.All, v => Assert.True(v.Checked <= KubernetesVersions.Checked && v.Source.Length > 20, v.Name));
        Assert.Equal(36, KubernetesVersions.Newest.Minor);
    }
}
