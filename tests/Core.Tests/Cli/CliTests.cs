using System.Text.Json;
using EksIpvs.Cli;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Tests;

/// <summary>The offline tool, run in-process on the shipped stack and on broken copies of it.</summary>
public class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The clock stands on a fixed day (StackFileTests.Today), so results do not age.</summary>
    internal sealed class FixedClock(DateOnly day) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
    }

    internal static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args) =>
        Capture((stdout, stderr) => Cli.Cli.Run(args, stdout, stderr, workingDirectory, new FixedClock(StackFileTests.Today)));

    /// <summary>Runs a command with its output captured, line ends as on Linux.</summary>
    internal static (int Code, string Out, string Err) Capture(Func<TextWriter, TextWriter, int> run)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = run(stdout, stderr);
        return (code, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), stderr.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    private string Project(string stackYaml, string stack = "s")
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: eks-ipvs\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, $"Pulumi.{stack}.yaml"), stackYaml);
        return _dir;
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
        Assert.Equal([RenderCommand.Manifest, "boundary-policy.json", "coredns.json", "deploy-policy.json", "kube-proxy.json", "nodegroups/general.launch-template.json", "nodegroups/general.userdata", "nodegroups/general.userdata.d/node-setup.sh", "vpc-cni.json"], written);
        foreach (var file in written.Skip(1))
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
    [InlineData(new[] { "render", "--stack" }, "error: Required argument missing for option: '--stack'.")]
    [InlineData(new[] { "render", "--stack", "dev", "--fast" }, "error: Unrecognized command or argument '--fast'.")]
    [InlineData(new[] { "render", "--stack", "dev", "--stack", "prod" }, "error: Option '--stack' expects a single argument but 2 were provided.")]
    [InlineData(new[] { "render", "--stack", "dev", "--out", "a", "--out", "b" }, "error: Option '--out' expects a single argument but 2 were provided.")]
    [InlineData(new[] { "render", "--stack", "../../x" }, "error: --stack '../../x' is not a Pulumi stack name: 1-100 letters, digits, -, _ and . (not a path); for a fully qualified stack such as org/project/dev give only its last part, the stack name (here 'x')")]
    [InlineData(new[] { "render", "--stack", "dev prod" }, "error: --stack 'dev prod' is not a Pulumi stack name: 1-100 letters, digits, -, _ and . (not a path)")]
    [InlineData(new[] { "render", "--stack", "dev", "--out", "README.md" }, "error: --out 'README.md' is a file; give a folder (it is created if missing)")]
    [InlineData(new[] { "render", "--stack", "dev", "--out", "README.md/x" }, "error: --out 'README.md/x' is under '{root}/README.md', which is a file; give a folder")]
    [InlineData(new[] { "deploy" }, "error: Required command was not provided.\nerror: Unrecognized command or argument 'deploy'.")]
    public void Usage_errors_exit_2(string[] args, string message)
    {
        var (code, stdout, stderr) = Run(Repo.Root, args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"{message.Replace("{root}", Repo.Root, StringComparison.Ordinal)}\nRun with --help for usage.\n", stderr);
    }

    [Fact]
    public void Out_holds_exactly_this_renders_files_stale_ones_removed_others_left_alone_and_named()
    {
        var outDir = Path.Combine(_dir, "out");
        Project("config:\n  eks-ipvs:nodeGroups:\n    - name: a\n    - name: b\n");
        Assert.Equal(0, Run(_dir, "render", "--stack", "s", "--out", "out").Code);
        Assert.True(File.Exists(Path.Combine(outDir, "nodegroups", "b.userdata")));
        File.WriteAllText(Path.Combine(outDir, "notes.md"), "mine");
        File.WriteAllText(Path.Combine(outDir, "nodegroups", "hand-made.userdata"), "mine");

        Project("config:\n  eks-ipvs:nodeGroups:\n    - name: a\n");
        var (code, stdout, _) = Run(_dir, "render", "--stack", "s", "--out", "out");
        Assert.Equal(0, code);
        Assert.False(File.Exists(Path.Combine(outDir, "nodegroups", "b.userdata")));
        Assert.False(File.Exists(Path.Combine(outDir, "nodegroups", "b.launch-template.json")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "nodegroups", "b.userdata.d")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "notes.md")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "nodegroups", "hand-made.userdata")));
        Assert.EndsWith(
            "Removed 3 files an earlier render wrote and this one does not:\n  nodegroups/b.launch-template.json\n  nodegroups/b.userdata\n  nodegroups/b.userdata.d/node-setup.sh\n" +
            "Left alone 2 files this tool did not write:\n  nodegroups/hand-made.userdata\n  notes.md\n",
            stdout);
    }

    [Fact]
    public void A_manifest_line_pointing_outside_the_folder_deletes_nothing_there()
    {
        var outside = Path.Combine(_dir, "precious.txt");
        File.WriteAllText(outside, "keep");
        Directory.CreateDirectory(Path.Combine(_dir, "out"));
        File.WriteAllText(Path.Combine(_dir, "out", RenderCommand.Manifest), "../precious.txt\n/etc/hostname\n");
        Project("config: {}\n");
        Assert.Equal(0, Run(_dir, "render", "--stack", "s", "--out", "out").Code);
        Assert.Equal("keep", File.ReadAllText(outside));
    }

    [Fact]
    public void Secrets_are_named_in_the_summary_as_not_checked_offline()
    {
        Project("config:\n  eks-ipvs:clusterName:\n    secure: v1:abc\n");
        var (code, stdout, stderr) = Run(_dir, "render", "--stack", "s");
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Contains("\nSecrets not decrypted offline, so not checked and shown above with their defaults: eks-ipvs:clusterName; " +
            "`pulumi up` decrypts and validates them.\n", stdout);
    }

    [Fact]
    public void A_stack_file_pulumi_refuses_is_a_clear_error_exit_2()
    {
        Project("config:\n  - eks-ipvs:proxyMode: iptables\n");
        var (code, stdout, stderr) = Run(_dir, "render", "--stack", "s");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: {Path.Combine(_dir, "Pulumi.s.yaml")}:2:3: config must be a mapping of keys to values", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Help_explains_itself()
    {
        var (code, stdout, _) = Run(Repo.Root, "--help");
        Assert.Equal(0, code);
        Assert.Contains("render --stack <name> [--out <dir>]", stdout);
        Assert.Contains("exit code 2", stdout);
    }

    [Theory]
    [InlineData(new[] { "render" }, "error: render: give either --stack <name> or --all")]
    [InlineData(new[] { "render", "--stack", "dev", "--all" }, "error: render: give either --stack <name> or --all")]
    [InlineData(new[] { "plan" }, "error: plan: give either --changed <file>... or --base <git ref>")]
    [InlineData(new[] { "plan", "--changed", "README.md", "--base", "main" }, "error: plan: give either --changed <file>... or --base <git ref>")]
    public void Render_and_plan_take_exactly_one_of_their_alternatives(string[] args, string message)
    {
        var (code, stdout, stderr) = Run(Repo.Root, args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"{message}\nRun with --help for usage.\n", stderr);
    }

    [Fact]
    public void Render_all_renders_every_stack_of_the_project_into_its_own_folder()
    {
        Project("config: {}\n", "alpha");
        Project("config:\n  eks-ipvs:vpcCidr: banana\n", "beta");
        var (code, stdout, stderr) = Run(_dir, "render", "--all", "--out", "out");
        Assert.Equal(2, code);
        Assert.True(File.Exists(Path.Combine(_dir, "out", "alpha", "nodegroups", "general.userdata")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "out", "beta")));
        Assert.Contains("1 of 2 stacks valid", stdout);
        Assert.Contains("error: Pulumi.beta.yaml is invalid", stderr);
    }

    [Fact]
    public void Plan_prints_the_stacks_a_change_reaches_as_json()
    {
        var (code, stdout, stderr) = Run(Repo.Root, "plan", "--changed", "infra/Core/Nodes/NodeBootstrap.cs", "README.md");
        Assert.Equal(("", 0), (stderr, code));
        var plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["dev"], plan.GetProperty("stacks").EnumerateArray().Select(s => s.GetProperty("stack").GetString()));
        Assert.Equal(["every stack", "none"], plan.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("reach").GetString()));
    }

    [Theory]
    [InlineData("1.34", 0, "kubernetesVersion 1.34 -> 1.35: one minor version, as EKS requires\n", "")]
    [InlineData("", 0, "kubernetesVersion 1.35: no deployed version to compare with (new stack, or deployed before the output existed)\n", "")]
    [InlineData("1.33", 1, "", "error: eks-ipvs:kubernetesVersion = \"1.35\": 2 minor versions ahead of the deployed 1.33")]
    public void Upgrade_check_compares_the_stack_file_with_the_deployed_version(string deployed, int code, string stdout, string stderrStart)
    {
        var result = Run(Repo.Root, "upgrade-check", "--stack", "dev", "--deployed", deployed);
        Assert.Equal((code, stdout), (result.Code, result.Out));
        Assert.StartsWith(stderrStart, result.Err);
    }
}
