using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>kubernetesVersion is judged against the one table of versions EKS offers, on a given day.</summary>
public class KubernetesVersionTests
{
    private static readonly DateOnly Today = StackFileTests.Today; // 2026-11-29, the day the table was checked

    private static SpecResult Validate(string version, DateOnly day) =>
        SpecValidator.Validate(Stacks.Config(("kubernetesVersion", version)), day);

    private const string OfferedOnCheckDay =
        "1.35 (standard support until 2027-03-27), 1.34 (standard support until 2026-12-02), " +
        "1.33 (extended support until 2027-07-29), 1.32 (extended support until 2027-03-23)";

    [Theory]
    [InlineData("1.9")]
    [InlineData("1.20")]
    [InlineData("1.31")] // extended support ended 2026-11-26
    [InlineData("1.99")]
    public void A_version_eks_does_not_offer_is_an_error_listing_what_is_offered(string version)
    {
        Assert.Equal(
            $"eks-ipvs:kubernetesVersion = \"{version}\": not a version EKS offers on 2026-11-29 (table of 2026-11-29, infra/Core/Versions/KubernetesVersions.cs); allowed: {OfferedOnCheckDay}",
            Assert.Single(Validate(version, Today).Errors).ToString());
    }

    [Fact]
    public void A_version_in_extended_support_is_a_warning_about_the_cost()
    {
        var result = Validate("1.33", Today);
        Assert.True(result.IsValid);
        Assert.Equal(
            "eks-ipvs:kubernetesVersion = \"1.33\": 1.33 left EKS standard support on 2026-07-29: extended support costs extra per cluster hour " +
            "and ends on 2027-07-29 (table of 2026-11-29, infra/Core/Versions/KubernetesVersions.cs); advice: a version in standard support: " +
            "1.35 (standard support until 2027-03-27), 1.34 (standard support until 2026-12-02)",
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
}
