using System.Text.Json;
using EksIpvs.Core.Addons;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The coredns add-on's configurationValues, checked against the schema EKS publishes for it
/// (data/coredns-addon-schema.v1.10.1-eksbuild.11.json; source in data/SOURCES.md).</summary>
public class CoreDnsConfigTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        File.ReadAllText(Repo.Path("tests", "Core.Tests", "data", "coredns-addon-schema.v1.10.1-eksbuild.11.json"))).RootElement;

    private static JsonElement Values(params (string, string)[] config) => JsonDocument.Parse(CoreDnsConfig.For(Valid(config)).ToJson()).RootElement;

    [Fact]
    public void Values_satisfy_the_published_add_on_schema()
    {
        Assert.Empty(JsonSchema.Errors(Schema, Values()));
        Assert.Empty(JsonSchema.Errors(Schema, Values(("availabilityZoneCount", "2"), ("kubernetesVersion", "1.33"))));
    }

    [Fact]
    public void Two_replicas_spread_across_zones_with_a_disruption_budget()
    {
        var values = Values();
        Assert.True(values.GetProperty("replicaCount").GetInt32() >= 2);
        var spread = Assert.Single(values.GetProperty("topologySpreadConstraints").EnumerateArray());
        Assert.Equal("topology.kubernetes.io/zone", spread.GetProperty("topologyKey").GetString());
        Assert.Equal(1, spread.GetProperty("maxSkew").GetInt32());
        // The label EKS's CoreDNS pods carry; a selector that matches nothing would spread nothing.
        Assert.Equal("kube-dns", spread.GetProperty("labelSelector").GetProperty("matchLabels").GetProperty("k8s-app").GetString());
        var budget = values.GetProperty("podDisruptionBudget");
        Assert.True(budget.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, budget.GetProperty("maxUnavailable").GetInt32());
        Golden.Matches("coredns/default.json", CoreDnsConfig.For(Valid()).ToJson());
    }

    [Fact]
    public void The_schema_check_rejects_what_eks_rejects()
    {
        var bad = JsonDocument.Parse("""
            {"replicaCount": "2", "podDisruptionBudget": {"maxUnavailable": "50"}, "autoScaling": {"minReplicas": 1},
             "topologySpreadConstraints": {}, "tolerations": ["CriticalAddonsOnly"], "nodeSelector": {"zone": 1},
             "priorityClassName": "x"}
            """).RootElement;
        Assert.Equal(
        [
            "$.replicaCount: expected integer, got String",
            "$.podDisruptionBudget.maxUnavailable: \"50\" matches none of [{\"pattern\":\".*%$\",\"type\":\"string\"},{\"type\":\"integer\"}]",
            "$.autoScaling: required property 'enabled' is missing",
            "$.autoScaling.minReplicas: 1 is less than 2",
            "$.topologySpreadConstraints: expected array, got Object",
            "$.tolerations[0]: expected object, got String",
            "$.nodeSelector.zone: expected string, got Number",
            "$: additional property 'priorityClassName' is not allowed",
        ], JsonSchema.Errors(Schema, bad));
        Assert.Empty(JsonSchema.Errors(Schema, JsonDocument.Parse("""{"podDisruptionBudget": {"maxUnavailable": "50%"}, "affinity": null}""").RootElement));
    }

    [Fact]
    public void The_values_pulumi_sends_are_the_rendered_json()
    {
        var values = CoreDnsConfig.For(Valid());
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(values.ToJson()).RootElement), values.ToCompactJson());
        Assert.StartsWith("""{"podDisruptionBudget":{"enabled":true,"maxUnavailable":1},"replicaCount":2,"topologySpreadConstraints":[{"labelSelector":""",
            values.ToCompactJson());
    }
}
