using System.Text.Json;
using EksIpvs.Cli;

namespace EksIpvs.Spec.Tests;

/// <summary>The offline tool, run in-process on the shipped stack and on broken copies of it.</summary>
public class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = Cli.Cli.Run(args, stdout, stderr, workingDirectory);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Render_dev_writes_exactly_what_the_add_ons_and_nodes_receive()
    {
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Run(Repo.Root, "render", "--stack", "dev", "--out", outDir);
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var written = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(outDir, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["coredns.json", "deploy-policy.json", "kube-proxy.json", "nodegroups/general.launch-template.json", "nodegroups/general.userdata", "vpc-cni.json"], written);
        foreach (var file in written)
        {
            Golden.Matches($"dev/{file}", File.ReadAllText(Path.Combine(outDir, file)));
        }
        var kubeProxy = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "kube-proxy.json"))).RootElement;
        Assert.Equal("ipvs", kubeProxy.GetProperty("mode").GetString());
        Assert.Equal("rr", kubeProxy.GetProperty("ipvs").GetProperty("scheduler").GetString());
        var schema = JsonDocument.Parse(File.ReadAllText(Repo.Shared("reference", "kube-proxy-addon-schema.v1.28.8-eksbuild.5.json"))).RootElement;
        Assert.Empty(JsonSchema.Errors(schema, kubeProxy));
        Assert.Equal("true", JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "vpc-cni.json"))).RootElement
            .GetProperty("env").GetProperty("ENABLE_BANDWIDTH_PLUGIN").GetString());
        Golden.Matches("dev/summary.txt", stdout.Replace(outDir, "<out>", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_without_out_writes_nothing_and_prints_the_summary()
    {
        var (code, stdout, _) = Run(Repo.Root, "render", "--stack", "dev");
        Assert.Equal(0, code);
        Assert.Contains("kube-proxy: mode ipvs, scheduler rr", stdout);
        Assert.DoesNotContain("Wrote", stdout);
    }

    [Fact]
    public void Invalid_config_exits_2_lists_every_error_and_writes_nothing()
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: eks-ipvs\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.bad.yaml"), """
            config:
              eks-ipvs:schedular: wrr
              eks-ipvs:proxyMode: iptables
              eks-ipvs:ipvsScheduler: wrr
              eks-ipvs:nodeGroups:
                - name: a
                  minSize: 5
                  maxSize: 3
            """);
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Run(_dir, "render", "--stack", "bad", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(
            "error: Pulumi.bad.yaml is invalid (3 errors); nothing was rendered:\n" +
            "  - eks-ipvs:schedular = \"wrr\": unknown key; did you mean ipvsScheduler?; allowed: " + string.Join(", ", ConfigKeys.All.Select(k => k.Name)) + "\n" +
            "  - eks-ipvs:ipvsScheduler = \"wrr\": a scheduler applies only to proxyMode ipvs, but proxyMode is iptables; allowed: remove ipvsScheduler, or set proxyMode to ipvs\n" +
            "  - eks-ipvs:nodeGroups[0].minSize = 5: larger than maxSize (3); allowed: minSize <= desiredSize <= maxSize\n",
            stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Fact]
    public void Missing_stack_file_is_a_clear_error()
    {
        var (code, _, stderr) = Run(Repo.Root, "render", "--stack", "nope");
        Assert.Equal(2, code);
        Assert.Equal($"error: {Repo.Path("Pulumi.nope.yaml")} not found: create it with `pulumi stack init nope` or copy Pulumi.dev.yaml\n", stderr);
    }

    [Theory]
    [InlineData(new[] { "render" }, "error: render: --stack <name> is required, e.g. --stack dev")]
    [InlineData(new[] { "render", "--stack" }, "error: render: --stack needs a value")]
    [InlineData(new[] { "render", "--stack", "dev", "--fast" }, "error: render: unknown argument '--fast'; allowed: --stack, --out, --project-dir")]
    [InlineData(new[] { "deploy" }, "error: unknown command 'deploy'; allowed: render")]
    public void Usage_errors_exit_2(string[] args, string message)
    {
        var (code, _, stderr) = Run(Repo.Root, args);
        Assert.Equal(2, code);
        Assert.Equal($"{message}\nRun with --help for usage.\n", stderr);
    }

    [Fact]
    public void Help_explains_itself()
    {
        var (code, stdout, _) = Run(Repo.Root, "--help");
        Assert.Equal(0, code);
        Assert.Contains("render --stack <name> [--out <dir>]", stdout);
        Assert.Contains("exit code 2", stdout);
    }
}
