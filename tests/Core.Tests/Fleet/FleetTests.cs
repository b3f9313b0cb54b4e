using System.Diagnostics;
using System.Text.Json;
using EksIpvs.Cli;

namespace EksIpvs.Core.Tests;

/// <summary>Many stacks in one project: `render --all` and `plan`, run in-process on a generated project.</summary>
public class FleetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-fleet").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The shipped Pulumi.yaml and dev stack, plus copies of dev in other regions.</summary>
    private void Project(params (string Stack, string Region)[] copies)
    {
        File.Copy(Repo.Path("Pulumi.yaml"), Path.Combine(_dir, "Pulumi.yaml"));
        File.Copy(Repo.Path("Pulumi.dev.yaml"), Path.Combine(_dir, "Pulumi.dev.yaml"));
        var dev = File.ReadAllText(Repo.Path("Pulumi.dev.yaml"));
        foreach (var (stack, region) in copies)
        {
            File.WriteAllText(Path.Combine(_dir, $"Pulumi.{stack}.yaml"), dev.Replace("aws:region: eu-west-1", $"aws:region: {region}"));
        }
        File.WriteAllText(Path.Combine(_dir, "stacks.yaml"), RolloutTests.ThreeWaves);
    }


    /// <summary>A rendered stack's line: copies of the dev stack run IPVS on the default Kubernetes 1.35, which warns.</summary>
    private static string Rendered(string line) => $"{line}, 1 warning:\n  - eks-ipvs:proxyMode = \"ipvs\": {Stacks.IpvsDeprecated}\n";

    [Fact]
    public void Render_all_renders_every_valid_stack_and_reports_the_invalid_one_under_its_name()
    {
        Project(("dev-2", "eu-central-1"), ("staging-1", "us-east-1"), ("prod-1", "us-west-2"));
        File.WriteAllText(Path.Combine(_dir, "Pulumi.dev-broken.yaml"), """
            config:
              aws:region: eu-west-1
              eks-ipvs:proxyMode: ipvss
              eks-ipvs:nodeGroups:
                - name: a
                  minSize: 5
                  maxSize: 3
            """);
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = CliTests.Capture((o, e) => RenderAllCommand.Run(_dir, outDir, o, e, Stacks.Today));

        Assert.Equal(2, code);
        Assert.Equal(
            "error: Pulumi.dev-broken.yaml is invalid (2 errors); dev-broken was not rendered:\n" +
            "  - eks-ipvs:proxyMode = \"ipvss\": not one of the choices; allowed: ipvs, nftables, iptables\n" +
            "  - eks-ipvs:nodeGroups[0].minSize = 5: larger than maxSize (3); allowed: minSize <= desiredSize <= maxSize\n",
            stderr);
        Assert.Equal(
            Rendered($"dev: valid, 8 files in {outDir}/dev") +
            Rendered($"dev-2: valid, 8 files in {outDir}/dev-2") +
            Rendered($"prod-1: valid, 8 files in {outDir}/prod-1") +
            Rendered($"staging-1: valid, 8 files in {outDir}/staging-1") +
            $"4 of 5 stacks valid, rendered into {outDir}/<stack>/; invalid: Pulumi.dev-broken.yaml\n",
            stdout);
        Assert.Equal(["dev", "dev-2", "prod-1", "staging-1"],
            Directory.GetDirectories(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // The dev stack's files are exactly what `render --stack dev --out` writes (the golden copies).
        foreach (var file in Directory.GetFiles(Path.Combine(outDir, "dev"), "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) != RenderCommand.Manifest))
        {
            Golden.Matches($"dev/{Path.GetRelativePath(Path.Combine(outDir, "dev"), file).Replace('\\', '/')}", File.ReadAllText(file));
        }
        // Each stack is rendered as itself: its own cluster name in its own deploy policy.
        Assert.Contains("eks-ipvs-prod-1", File.ReadAllText(Path.Combine(outDir, "prod-1", "deploy-policy.json")));
        Assert.DoesNotContain("eks-ipvs-dev\"", File.ReadAllText(Path.Combine(outDir, "prod-1", "deploy-policy.json")));
    }

    [Fact]
    public void Render_all_checks_stacks_yaml_against_the_stack_files_but_still_renders_them()
    {
        Project(("qa-1", "eu-west-1"));
        var (code, stdout, stderr) = CliTests.Capture((o, e) => RenderAllCommand.Run(_dir, null, o, e, Stacks.Today));
        Assert.Equal(2, code);
        Assert.Equal(
            "error: stacks.yaml is invalid (3 errors):\n" +
            "  - Pulumi.qa-1.yaml: stack qa-1 is in no wave; allowed: a name or glob matching qa-1 in one wave's stacks\n" +
            "  - waves[1].stacks = [\"staging-*\"]: matches no Pulumi.<stack>.yaml; allowed: globs matching some of: dev, qa-1; or remove the wave\n" +
            "  - waves[2].stacks = [\"prod-*\"]: matches no Pulumi.<stack>.yaml; allowed: globs matching some of: dev, qa-1; or remove the wave\n",
            stderr);
        Assert.Equal(Rendered("dev: valid, 8 files") + Rendered("qa-1: valid, 8 files") + "2 of 2 stacks valid; invalid: stacks.yaml\n", stdout);
    }

    [Fact]
    public void Render_all_on_the_repository_is_valid()
    {
        var (code, stdout, stderr) = CliTests.Capture((o, e) => RenderAllCommand.Run(Repo.Root, null, o, e, Stacks.Today));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.EndsWith("1 of 1 stack valid\n", stdout);
    }

    [Fact]
    public void Render_all_without_stack_files_is_an_error()
    {
        var (code, _, stderr) = CliTests.Capture((o, e) => RenderAllCommand.Run(_dir, null, o, e, Stacks.Today));
        Assert.Equal(2, code);
        Assert.Equal($"error: no Pulumi.<stack>.yaml in {_dir}\n", stderr);
    }

    public static TheoryData<string[], string[], string[]> ChangeSets => new()
    {
        // changed files, stacks planned (in wave order), stacks removed
        { ["Pulumi.dev-eu.yaml"], ["dev-eu"], [] },
        { ["Pulumi.prod-us.yaml", "Pulumi.dev.yaml"], ["dev", "prod-us"], [] },
        { ["infra/Network.cs"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["infra/Core/Nodes/NodeScripts/ipvs-modules.sh"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["Infra.csproj"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["Directory.Packages.props"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["Pulumi.yaml"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["stacks.yaml"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["NuGet.Config"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { [".github/workflows/cluster.yml"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { [".github/workflows/cluster-up.yml"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["something-new.txt"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] },
        { ["README.md", "docs/runbook.md", "tests/Core.Tests/Cli/CliTests.cs", "tests/run", ".ci/run", ".github/dependabot.yml", ".gitignore"], [], [] },
        { ["infra/Cli/Summary.cs", "infra/Cli/verify-cluster.sh", "infra/Cli/PlanCommand.cs"], [], [] },
        { ["Pulumi.gone.yaml"], [], ["gone"] },
        { ["Pulumi.gone.yaml", "Pulumi.staging-a.yaml", "README.md"], ["staging-a"], ["gone"] },
        { ["team/Pulumi.dev.yaml"], ["dev", "dev-eu", "staging-a", "prod-eu", "prod-us"], [] }, // not a stack file of this project
        { [], [], [] },
    };

    [Theory]
    [MemberData(nameof(ChangeSets))]
    public void Plan_picks_the_stacks_a_change_reaches(string[] changed, string[] planned, string[] removed)
    {
        Project(("dev-eu", "eu-central-1"), ("staging-a", "us-east-1"), ("prod-eu", "eu-west-1"), ("prod-us", "us-west-2"));
        var (code, stdout, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, changed, null, o, e));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(planned, plan.GetProperty("stacks").EnumerateArray().Select(s => s.GetProperty("stack").GetString()));
        Assert.Equal(removed, plan.GetProperty("removed").EnumerateArray().Select(s => s.GetString()));
        // Every wave is listed, in stacks.yaml order, empty or not, so a workflow can address waves by position.
        Assert.Equal(["dev", "staging", "prod"], plan.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        Assert.Equal(planned.Length, plan.GetProperty("waves").EnumerateArray().Sum(w => w.GetProperty("count").GetInt32()));
        Assert.Equal(changed.Length, plan.GetProperty("files").GetArrayLength());
        Assert.Single(stdout.TrimEnd('\n').Split('\n')); // one line: a GitHub Actions step output
    }

    [Fact]
    public void Plan_gives_each_stack_its_wave_region_role_and_environment()
    {
        Project(("dev-eu", "eu-central-1"), ("staging-a", "us-east-1"), ("prod-us", "us-west-2"));
        var (code, stdout, _) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, ["Pulumi.prod-us.yaml", "Pulumi.dev-eu.yaml", "Pulumi.gone.yaml"], null, o, e));
        Assert.Equal(0, code);
        var plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(
            """[{"stack":"dev-eu","wave":"dev","region":"eu-central-1","account":"111122223333","role":"arn:aws:iam::111122223333:role/deploy","previewRole":"arn:aws:iam::111122223333:role/deploy","environment":"dev"},""" +
            """{"stack":"prod-us","wave":"prod","region":"us-west-2","account":"444455556666","role":"arn:aws:iam::444455556666:role/deploy","previewRole":"arn:aws:iam::444455556666:role/ci/preview","environment":"production"}]""",
            plan.GetProperty("stacks").GetRawText());
        var prod = plan.GetProperty("waves")[2];
        Assert.Equal(2, prod.GetProperty("maxParallel").GetInt32());
        Assert.Equal("production", prod.GetProperty("environment").GetString());
        Assert.Equal(1, prod.GetProperty("count").GetInt32());
        Assert.Equal(0, plan.GetProperty("waves")[1].GetProperty("count").GetInt32());
        var gone = plan.GetProperty("files")[2];
        Assert.Equal("none", gone.GetProperty("reach").GetString());
        Assert.Equal("the stack file of gone, deleted: not deployed; `pulumi destroy --stack gone` by hand if the cluster should go", gone.GetProperty("why").GetString());
    }

    [Fact]
    public void Plan_refuses_an_invalid_stacks_yaml_and_a_stack_without_region()
    {
        Project(("qa", "eu-west-1"));
        var (code, stdout, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, ["infra/Network.cs"], null, o, e));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: stacks.yaml is invalid (3 errors):\n  - Pulumi.qa.yaml: stack qa is in no wave;", stderr);

        File.Delete(Path.Combine(_dir, "Pulumi.qa.yaml"));
        File.WriteAllText(Path.Combine(_dir, "Pulumi.staging-x.yaml"), "config:\n  eks-ipvs:natGateways: single\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.prod-x.yaml"), "config:\n  aws:region: Europe\n");
        (code, _, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, ["Pulumi.staging-x.yaml"], null, o, e));
        Assert.Equal(2, code);
        Assert.Equal("error: Pulumi.staging-x.yaml: aws:region: not set; allowed: a region such as eu-west-1\n", stderr);
        (code, _, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, ["Pulumi.prod-x.yaml"], null, o, e));
        Assert.Equal(2, code);
        Assert.Equal("error: Pulumi.prod-x.yaml: aws:region = \"Europe\": not an AWS region name; allowed: a region such as eu-west-1\n", stderr);
    }

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", .. args])
        {
            start.ArgumentList.Add(arg);
        }
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEndAsync();
        git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error.Result}");
    }

    [Fact]
    public void Plan_with_a_base_ref_reads_the_changes_from_git()
    {
        Project(("dev-eu", "eu-central-1"), ("staging-a", "us-east-1"), ("prod-us", "us-west-2"), ("prod-old", "us-east-1"));
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");
        File.AppendAllText(Path.Combine(_dir, "Pulumi.prod-us.yaml"), "  # a change\n");
        Git("mv", "Pulumi.prod-old.yaml", "Pulumi.prod-new.yaml"); // a rename: the old stack goes, the new one comes
        File.WriteAllText(Path.Combine(_dir, "NOTES.md"), "notes\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", "change");

        var (code, stdout, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, [], "HEAD~1", o, e));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["prod-new", "prod-us"], plan.GetProperty("stacks").EnumerateArray().Select(s => s.GetProperty("stack").GetString()));
        Assert.Equal(["prod-old"], plan.GetProperty("removed").EnumerateArray().Select(s => s.GetString()));

        // A base git does not know (a branch's first push: before = 000...0) reaches every stack.
        (code, stdout, stderr) = CliTests.Capture((o, e) => PlanCommand.Run(_dir, [], "0000000000000000000000000000000000000000", o, e));
        Assert.Equal(0, code);
        plan = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["dev", "dev-eu", "staging-a", "prod-new", "prod-us"], plan.GetProperty("stacks").EnumerateArray().Select(s => s.GetProperty("stack").GetString()));
        Assert.Equal("the base 0000000000000000000000000000000000000000 is not a commit of this clone (first push, or history rewritten): every stack",
            plan.GetProperty("files")[0].GetProperty("why").GetString());
    }

    [Fact]
    public void Render_diff_shows_per_stack_what_the_add_ons_and_nodes_receive_differently()
    {
        // Base: the shipped dev stack. Head: the same stack without the bandwidth plugin, plus a new stack.
        Project();
        File.Copy(Repo.Path("stacks.yaml"), Path.Combine(_dir, "stacks.yaml"), overwrite: true); // one wave: dev, dev-*
        var baseOut = Path.Combine(_dir, "render", "base");
        Assert.Equal(0, CliTests.Capture((o, e) => RenderAllCommand.Run(_dir, baseOut, o, e, Stacks.Today)).Code);
        var dev = File.ReadAllText(Path.Combine(_dir, "Pulumi.dev.yaml"));
        File.WriteAllText(Path.Combine(_dir, "Pulumi.dev.yaml"), dev.Replace("eks-ipvs:bandwidthPlugin: true", "eks-ipvs:bandwidthPlugin: false"));
        File.WriteAllText(Path.Combine(_dir, "Pulumi.dev-new.yaml"), dev);
        var headOut = Path.Combine(_dir, "render", "head");
        Assert.Equal(0, CliTests.Capture((o, e) => RenderAllCommand.Run(_dir, headOut, o, e, Stacks.Today)).Code);

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Repo.Path("infra", "Cli", "render-diff.sh"), baseOut, headOut, "dev", "dev-new", "gone" })
        {
            start.ArgumentList.Add(arg);
        }
        using var bash = Process.Start(start)!;
        var markdown = bash.StandardOutput.ReadToEnd().Replace("\r\n", "\n");
        var error = bash.StandardError.ReadToEnd(); // a few lines at most: no pipe to fill
        bash.WaitForExit();
        Assert.Equal("", error);
        Assert.Equal(0, bash.ExitCode);

        Assert.StartsWith("<!-- eks-ipvs render diff -->\n", markdown);
        var devSection = markdown[markdown.IndexOf("#### `dev`\n", StringComparison.Ordinal)..markdown.IndexOf("#### `dev-new`", StringComparison.Ordinal)];
        Assert.Contains("--- main/dev/vpc-cni.json\n+++ pr/dev/vpc-cni.json\n", devSection);
        Assert.Contains("\n-    \"ENABLE_BANDWIDTH_PLUGIN\": \"true\",\n+    \"ENABLE_BANDWIDTH_PLUGIN\": \"false\",\n", devSection);
        Assert.Contains("+++ pr/dev/nodegroups/general.userdata", devSection); // the bandwidth guard leaves the user data
        // The payload is one line in the diff; the decoded script shows what left.
        Assert.Matches(@"\n-\([0-9]+ lines of gzip\+base64; decoded in the \.userdata\.d folder\)\n\+\([0-9]+ lines of gzip", devSection);
        Assert.DoesNotContain("H4sI", devSection);
        Assert.Contains("+++ pr/dev/nodegroups/general.userdata.d/node-setup.sh", devSection);
        Assert.Contains("\n-cat > /usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh <<'EKS_IPVS_FILE'\n", devSection);
        Assert.DoesNotContain("kube-proxy.json", devSection); // unchanged files are not shown
        Assert.Contains("#### `dev-new`\nA new stack: everything below is new.\n8 file(s) differ:", markdown);
        Assert.Contains("#### `gone`\nNot rendered on this branch: its config is invalid (see the validate job).", markdown);
    }
}
