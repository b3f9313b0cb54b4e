using System.Text.Json;
using System.Text.RegularExpressions;
using EksIpvs.Core.Fleet;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Core.Tests;

/// <summary>The workflows read `plan`'s JSON by field name and run one job per wave: both must agree with the code
/// and with each other, or a rollout silently skips a wave. (Their schema is checked by tests/run.)</summary>
public class WorkflowTests
{
    private static readonly string Cluster = File.ReadAllText(Repo.Path(".github", "workflows", "cluster.yml"));
    private static readonly string ClusterUp = File.ReadAllText(Repo.Path(".github", "workflows", "cluster-up.yml"));

    private static YamlMappingNode Jobs()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Cluster));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["jobs"];
    }

    private static string Text(YamlNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Value!;

    /// <summary>A plan of one stack in each of the waves, from the real code.</summary>
    private static JsonElement SamplePlan()
    {
        var rollout = new Rollout(
            [new Wave("dev", ["dev"], 2, "dev", "111122223333")],
            new Dictionary<string, DeployAccount> { ["111122223333"] = new("111122223333", "arn:aws:iam::111122223333:role/d", "arn:aws:iam::111122223333:role/p") },
            new Dictionary<string, Wave>());
        rollout = rollout with { WaveOfStack = new Dictionary<string, Wave> { ["dev"] = rollout.Waves[0] } };
        var plan = ChangePlan.For(["Pulumi.dev.yaml"], ["dev"], rollout, _ => "eu-west-1");
        return JsonDocument.Parse(ChangePlan.ToJson(plan)).RootElement;
    }

    [Fact]
    public void One_wave_job_per_wave_each_after_the_previous_and_reading_its_own_wave()
    {
        var jobs = Jobs();
        var waveJobs = jobs.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(k => k.StartsWith("wave-", StringComparison.Ordinal)).ToList();
        var declared = int.Parse(Regex.Match(Cluster, "WAVE_JOBS: \"(\\d+)\"").Groups[1].Value); // the plan step's limit
        Assert.Equal(declared, waveJobs.Count);
        Assert.Equal(Enumerable.Range(1, declared).Select(i => $"wave-{i}"), waveJobs);
        for (var i = 1; i <= declared; i++)
        {
            var job = (YamlMappingNode)jobs[$"wave-{i}"];
            var needs = ((YamlSequenceNode)job["needs"]).Children.Select(n => ((YamlScalarNode)n).Value).ToList();
            Assert.Contains("validate", needs);
            Assert.Contains("plan", needs);
            if (i > 1)
            {
                Assert.Contains($"wave-{i - 1}", needs);
            }
            Assert.Equal("./.github/workflows/cluster-up.yml", Text(job, "uses"));
            Assert.Contains($".waves[{i - 1}])", Text(job, "with", "wave"));
            var condition = Text(job, "if");
            Assert.Contains($".waves[{i - 1}].count > 0", condition);
            Assert.Contains("!failure()", condition); // a failed wave stops the ones after it
            Assert.Contains("github.event_name == 'push'", condition);
        }
        // The shipped stacks.yaml fits the wave jobs.
        Assert.True(StacksFile.Load(Repo.Root, ProjectStacks.Names(Repo.Root)).Rollout!.Waves.Count <= declared);
    }

    [Fact]
    public void Every_plan_field_the_workflows_read_exists()
    {
        var plan = SamplePlan();
        var stack = plan.GetProperty("stacks")[0];
        var matrixFields = Regex.Matches(Cluster + ClusterUp, @"matrix\.(\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("previewRole", matrixFields);
        Assert.Contains("role", matrixFields);
        foreach (var field in matrixFields)
        {
            Assert.True(stack.TryGetProperty(field, out _), $"the workflows read matrix.{field}, which plan does not give a stack");
        }
        var wave = plan.GetProperty("waves")[0];
        var waveFields = Regex.Matches(ClusterUp, @"fromJSON\(inputs\.wave\)\.(\w+)").Select(m => m.Groups[1].Value)
            .Concat(Regex.Matches(Cluster, @"\.waves\[\d\]\.(\w+)").Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.Equal(["count", "environment", "maxParallel", "stacks"], waveFields.Order(StringComparer.Ordinal));
        foreach (var field in waveFields)
        {
            Assert.True(wave.TryGetProperty(field, out _), $"the workflows read a wave's {field}, which plan does not give");
        }
        Assert.Equal(2, wave.GetProperty("maxParallel").GetInt32());
        foreach (var field in Regex.Matches(Cluster, @"jq -r '\.(\w+)\[\]").Select(m => m.Groups[1].Value))
        {
            Assert.True(plan.TryGetProperty(field, out _), $"cluster.yml reads .{field} from the plan");
        }
    }
}
