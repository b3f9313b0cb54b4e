namespace EksIpvs.Core.Fleet;

/// <summary>What one changed file means for the stacks: that stack, every stack, or none.</summary>
public enum Reach
{
    None,
    Stack,
    Every,
}

/// <summary>A changed file (repository-relative, '/'-separated), its reach and why.</summary>
public sealed record FileEffect(string Path, Reach Reach, string Why, string? Stack = null);

/// <summary>One stack to preview or update, with everything a CI matrix job needs.</summary>
public sealed record PlannedStack(string Stack, string Wave, string Region, string Account, string Role, string PreviewRole, string Environment);

public sealed record PlannedWave(string Name, string Environment, int MaxParallel, IReadOnlyList<PlannedStack> Stacks);

/// <summary>The affected stacks, grouped by wave in rollout order (every wave listed, empty or not).</summary>
public sealed record ChangePlanResult(IReadOnlyList<PlannedWave> Waves, IReadOnlyList<string> Removed, IReadOnlyList<FileEffect> Files)
{
    public IEnumerable<PlannedStack> Stacks => Waves.SelectMany(w => w.Stacks);
}

/// <summary>
/// Which stacks a change reaches. The rule is "what `pulumi up` of a stack is built from":
/// <list type="bullet">
/// <item>Pulumi.&lt;stack&gt;.yaml: that stack; a deleted stack file is never deployed (nor destroyed: the
/// workflow does not destroy clusters), it is listed under "removed".</item>
/// <item>The program and the node scripts (infra/, except the offline tool and its upgrade gate), how they are
/// built (Infra.csproj, Directory.*.props/targets, global.json, NuGet config, .editorconfig: warnings are errors),
/// Pulumi.yaml (project config defaults), stacks.yaml (every stack's wave and role) and the workflow that runs
/// `up`: every stack.</item>
/// <item>Documentation, tests, .ci/ and other .github/ files, infra/Cli/ (not compiled into
/// the program: Infra.csproj compiles infra/*.cs and references infra/Core only): no stack.</item>
/// <item>Anything else: every stack. An unknown file might feed the build; a needless no-op preview is cheap, a
/// change that skipped the clusters is not.</item>
/// </list>
/// </summary>
public static class ChangePlan
{
    /// <summary>The workflow that previews and updates the stacks, and the one it calls per wave.</summary>
    public static readonly IReadOnlyList<string> WorkflowPaths = [".github/workflows/cluster.yml", ".github/workflows/cluster-up.yml"];

    private static readonly string[] BuildFiles =
    [
        "Infra.csproj", "Pulumi.yaml", StacksFile.FileName, "global.json", "nuget.config", ".editorconfig",
        "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props",
    ];

    private static readonly string[] NotTheProgram = ["infra/Cli/"];
    private static readonly string[] NoStackFolders = ["tests/", ".ci/", ".github/", "docs/"];
    private static readonly string[] NoStackFiles = [".gitignore", ".gitattributes", "LICENSE", "LICENSE.md", "LICENSE.txt", "CODEOWNERS"];

    public static FileEffect Classify(string path)
    {
        path = path.Replace('\\', '/');
        if (!path.Contains('/') && ProjectStacks.StackOf(path) is { } stack)
        {
            return new FileEffect(path, Reach.Stack, $"the stack file of {stack}", stack);
        }
        if (NotTheProgram.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            return new FileEffect(path, Reach.None, "offline tooling, not compiled into the program");
        }
        if (path.StartsWith("infra/", StringComparison.Ordinal))
        {
            return new FileEffect(path, Reach.Every, "the program or the node scripts are built from it");
        }
        if (!path.Contains('/') && BuildFiles.Contains(path, StringComparer.OrdinalIgnoreCase))
        {
            return new FileEffect(path, Reach.Every, path == StacksFile.FileName
                ? "it sets every stack's wave and role"
                : "the program's build or project config");
        }
        if (WorkflowPaths.Contains(path))
        {
            return new FileEffect(path, Reach.Every, "the workflow that previews and updates every stack");
        }
        if (path.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return new FileEffect(path, Reach.None, "documentation");
        }
        if (NoStackFolders.Any(p => path.StartsWith(p, StringComparison.Ordinal)) || NoStackFiles.Contains(path, StringComparer.Ordinal))
        {
            return new FileEffect(path, Reach.None, "tests, CI or repository files the program is not built from");
        }
        return new FileEffect(path, Reach.Every, "not a known kind of file: every stack, to be safe");
    }

    /// <param name="changedFiles">Repository-relative paths (the project folder is the repository root).</param>
    /// <param name="existingStacks">The stacks whose files exist now (a changed stack file missing here was deleted).</param>
    /// <param name="rollout">stacks.yaml, validated against <paramref name="existingStacks"/>.</param>
    /// <param name="region">The stack's aws:region.</param>
    public static ChangePlanResult For(IEnumerable<string> changedFiles, IReadOnlyList<string> existingStacks, Rollout rollout,
        Func<string, string> region) =>
        For(changedFiles.Select(Classify).ToList(), existingStacks, rollout, region);

    public static ChangePlanResult For(IReadOnlyList<FileEffect> files, IReadOnlyList<string> existingStacks, Rollout rollout,
        Func<string, string> region)
    {
        var affected = new SortedSet<string>(StringComparer.Ordinal);
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            switch (file.Reach)
            {
                case Reach.Every:
                    affected.UnionWith(existingStacks);
                    break;
                case Reach.Stack when existingStacks.Contains(file.Stack!):
                    affected.Add(file.Stack!);
                    break;
                case Reach.Stack:
                    removed.Add(file.Stack!);
                    break;
            }
        }
        var waves = rollout.Waves.Select(wave => new PlannedWave(wave.Name, wave.Environment, wave.MaxParallel,
            affected.Where(s => rollout.WaveOfStack[s] == wave).Select(s =>
            {
                var account = rollout.AccountOf(s);
                return new PlannedStack(s, wave.Name, region(s), account.Id, account.DeployRole, account.PreviewRole, wave.Environment);
            }).ToList())).ToList();
        var kept = files.Select(f => f.Reach == Reach.Stack && removed.Contains(f.Stack!)
            ? f with { Reach = Reach.None, Why = $"{f.Why}, deleted: not deployed; `pulumi destroy --stack {f.Stack}` by hand if the cluster should go" }
            : f).ToList();
        return new ChangePlanResult(waves, removed.ToList(), kept);
    }

    /// <summary>The plan as one line of JSON (a GitHub Actions step output must fit on one line).</summary>
    public static string ToJson(ChangePlanResult plan)
    {
        var stack = (PlannedStack s) => new Dictionary<string, object>
        {
            ["stack"] = s.Stack, ["wave"] = s.Wave, ["region"] = s.Region, ["account"] = s.Account,
            ["role"] = s.Role, ["previewRole"] = s.PreviewRole, ["environment"] = s.Environment,
        };
        var json = new Dictionary<string, object>
        {
            ["stacks"] = plan.Stacks.Select(stack).ToList(),
            ["waves"] = plan.Waves.Select(w => new Dictionary<string, object>
            {
                ["name"] = w.Name, ["environment"] = w.Environment, ["maxParallel"] = w.MaxParallel,
                ["count"] = w.Stacks.Count, ["stacks"] = w.Stacks.Select(stack).ToList(),
            }).ToList(),
            ["removed"] = plan.Removed,
            ["files"] = plan.Files.Select(f => new Dictionary<string, object?>
            {
                ["path"] = f.Path,
                ["reach"] = f.Reach switch { Reach.Every => "every stack", Reach.Stack => f.Stack, _ => "none" },
                ["why"] = f.Why,
            }).ToList(),
        };
        return System.Text.Json.JsonSerializer.Serialize(json, SpecJson.Compact);
    }
}
