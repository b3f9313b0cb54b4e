using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksIpvs.Core;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using EksIpvs.Infra;
using Moq;
using Pulumi;
using Pulumi.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // Pulumi's Deployment is process-wide

namespace EksIpvs.Infra.Tests;

/// <summary>One run of the program under mocks: what it registered, with which inputs, and its outputs.
/// It runs as a preview, as a pull request's `pulumi preview` would.</summary>
internal sealed class StackRun
{
    public const string Project = "eks-ipvs";
    public static readonly ImmutableArray<string> Zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"];

    /// <summary>EKS's self-managed kube-proxy-config, shared with the spec tests.</summary>
    public static readonly string LiveKubeProxyConfig = File.ReadAllText(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "Core.Tests", "data", "eks-kube-proxy-config.yaml"));

    public List<MockResourceArgs> Registered { get; } = [];
    public List<MockCallArgs> Calls { get; } = [];
    public IDictionary<string, object?> Outputs { get; private set; } = new Dictionary<string, object?>();

    /// <summary>The program's resource objects, for what only they carry (a component's own properties, URNs).</summary>
    public ImmutableArray<Resource> Resources { get; private set; } = [];

    /// <summary>Runs the stack with the given project config (keys without the "eks-ipvs:" prefix, or other namespaces'
    /// keys in full, values as Pulumi passes them).</summary>
    public static async Task<StackRun> With(params (string Key, string Value)[] config)
    {
        var (run, error) = await Try(config);
        return error is null ? run : throw new InvalidOperationException("the stack failed under mocks", error);
    }

    /// <summary>Like <see cref="With"/>, but hands back what was registered even when the program fails.</summary>
    public static async Task<(StackRun Run, Exception? Error)> Try(params (string Key, string Value)[] config)
    {
        var run = new StackRun();
        var mocks = new Mock<IMocks>();
        mocks.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) =>
            {
                run.Registered.Add(args);
                return ($"{args.Name}-id", (object)State(args));
            });
        mocks.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) =>
            {
                run.Calls.Add(args);
                return Invoke(args);
            });

        Environment.SetEnvironmentVariable("PULUMI_CONFIG",
            // A key with a namespace of its own (aws:region, eks_ipvs:proxyMode) is passed as written.
            JsonSerializer.Serialize(config.ToDictionary(c => c.Key.Contains(':') ? c.Key : $"{Project}:{c.Key}", c => c.Value)));
        try
        {
            var (resources, outputs) = await Deployment.TestAsync(mocks.Object,
                new TestOptions { ProjectName = Project, StackName = "test", IsPreview = true }, Deploy.Infra);
            run.Resources = resources;
            run.Outputs = outputs;
            return (run, null);
        }
        catch (Exception e)
        {
            return (run, e);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
        }
    }

    /// <summary>The spec the program builds from this config, for what the tests expect.</summary>
    public static EksIpvs.Core.ClusterSpec SpecFor(params (string Key, string Value)[] config) =>
        EksIpvs.Core.Validation.SpecValidator.Validate(new EksIpvs.Core.StackFiles.StackConfig(Project, "test", config.ToDictionary(c => c.Key, c => c.Value))).Require();

    /// <summary>A nested input object as the mocks hand it back.</summary>
    public static ImmutableDictionary<string, object> Map(object value) => (ImmutableDictionary<string, object>)value;

    public IEnumerable<MockResourceArgs> OfType(string type) => Registered.Where(r => r.Type == type);

    public MockResourceArgs Single(string type, string name) => Assert.Single(Registered, r => r.Type == type && r.Name == name);

    /// <summary>An input as canonical JSON (sorted keys), so it compares with the spec's rendering whatever the
    /// dictionary types the mocks hand back.</summary>
    public static string Json(object? value) => Canonical(JsonSerializer.SerializeToNode(value))?.ToJsonString() ?? "null";

    public static string Json(string json) => Canonical(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(i => Canonical(i?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>What the mocked engine reports back: the inputs, plus the outputs the program reads.</summary>
    private static ImmutableDictionary<string, object> State(MockResourceArgs args)
    {
        var state = args.Inputs.SetItem("arn", $"arn:aws:mock:::{args.Name}");
        return args.Type switch
        {
            "eks:index:Cluster" => state
                .SetItem("kubeconfigJson", """{"apiVersion":"v1","kind":"Config"}""")
                .SetItem("oidcProviderArn", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/MOCK"),
            // The name the program gives, or the provider's generated one.
            "aws:iam/role:Role" => state.SetItem("name", args.Inputs.TryGetValue("name", out var name) ? name : $"{args.Name}-role"),
            "aws:kms/key:Key" => state.SetItem("keyId", "mock-key-id"),
            "aws:ec2/launchTemplate:LaunchTemplate" => state.SetItem("latestVersion", 3),
            // The live self-managed kube-proxy configuration, read by ConfigMap.Get.
            "kubernetes:core/v1:ConfigMap" => state.SetItem("data",
                ImmutableDictionary<string, object>.Empty.Add("config", LiveKubeProxyConfig)),
            _ => state,
        };
    }

    private static object Invoke(MockCallArgs args) => args.Token switch
    {
        "aws:index/getAvailabilityZones:getAvailabilityZones" => ImmutableDictionary<string, object>.Empty
            .Add("names", Zones)
            .Add("zoneIds", Zones.Select(z => $"euw1-az{z[^1]}").ToImmutableArray())
            .Add("groupNames", ImmutableArray<string>.Empty)
            .Add("id", "eu-west-1"),
        "aws:index/getPartition:getPartition" => ImmutableDictionary<string, object>.Empty
            .Add("partition", "aws").Add("dnsSuffix", "amazonaws.com").Add("id", "aws"),
        // A CD pipeline's assumed role, and the role it resolves to.
        "aws:index/getCallerIdentity:getCallerIdentity" => ImmutableDictionary<string, object>.Empty
            .Add("accountId", "123456789012").Add("arn", "arn:aws:sts::123456789012:assumed-role/deploy/ci-run")
            .Add("userId", "AROAEXAMPLE:ci-run").Add("id", "123456789012"),
        "aws:iam/getSessionContext:getSessionContext" => ImmutableDictionary<string, object>.Empty
            .Add("arn", args.Args["arn"]).Add("issuerArn", "arn:aws:iam::123456789012:role/ci/deploy")
            .Add("issuerId", "AROAEXAMPLE").Add("issuerName", "deploy").Add("sessionName", "ci-run").Add("id", "AROAEXAMPLE"),
        _ => throw new InvalidOperationException($"the stack called {args.Token}, which these tests do not expect"),
    };
}
