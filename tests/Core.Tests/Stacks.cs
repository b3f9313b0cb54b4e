using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>Stack configs for tests: raw values exactly as Pulumi would hand them to the program.</summary>
internal static class Stacks
{
    public const string Project = "eks-ipvs";

    public static StackConfig Config(params (string Key, string Value)[] values) =>
        new(Project, "test", values.ToDictionary(v => v.Key, v => v.Value));

    /// <summary>The day tests validate on: a fixed day, so no test changes with the calendar or with a table's refresh.</summary>
    public static readonly DateOnly Today = StackFileTests.Today;

    public static SpecResult Validate(params (string Key, string Value)[] values) => SpecValidator.Validate(Config(values), Today);

    /// <summary>What every IPVS stack on the default Kubernetes version is told (KEP-5495).</summary>
    public const string IpvsDeprecated =
        "IPVS mode is deprecated upstream from Kubernetes 1.35 (KEP-5495) and kubernetesVersion is 1.35; " +
        "advice: ipvs still works; plan a move to proxyMode nftables";

    /// <summary>The warnings a test is about: all but the IPVS deprecation that the default version brings.</summary>
    public static IReadOnlyList<ConfigIssue> OtherWarnings(SpecResult result) =>
        result.Warnings.Where(w => !w.ToString().EndsWith(IpvsDeprecated, StringComparison.Ordinal)).ToList();

    public static ClusterSpec Valid(params (string Key, string Value)[] values)
    {
        var result = Validate(values);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Spec!;
    }

    /// <summary>The one error the config produces, as text.</summary>
    public static string SingleError(params (string Key, string Value)[] values)
    {
        var result = Validate(values);
        return Assert.Single(result.Errors).ToString();
    }
}
