using EksIpvs.Core.Iam;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>The rendered deploy policy covers exactly what the program registers and calls, for each kind of stack.</summary>
public class DeployPolicyTests
{
    public static TheoryData<string, string> Stacks => new()
    {
        { "secretsEncryption", "true" },
        { "secretsEncryption", "false" },
        { "kubeProxyManagement", "selfManaged" },
        { "accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/a", "access": "view"}]""" },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_registered_type_and_called_function_is_in_the_policy_table(string key, string value)
    {
        var run = await With((key, value));
        var used = run.Registered.Select(r => r.Type!).Concat(run.Calls.Select(c => c.Token!))
            .Where(t => t != "pulumi:pulumi:Stack" && !t.StartsWith("eks-ipvs:index:", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.All(used, type => Assert.True(DeployPolicy.Table.ContainsKey(type), $"{type} is missing from DeployPolicy.Table"));
        var spec = SpecFor((key, value));
        Assert.Equal(used, DeployPolicy.TypesFor(spec).Distinct().Order(StringComparer.Ordinal));
    }
}
