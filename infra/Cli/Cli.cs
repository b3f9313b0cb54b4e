using System.CommandLine;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Versions;

namespace EksIpvs.Cli;

/// <summary>Command dispatch. Exit codes: 0 success, 2 invalid input (config or arguments), 1 anything else.</summary>
public static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidInput = 2;

    private const string Description = """
        eks-ipvs: validate a stack and render what its cluster receives, offline (no AWS account needed).

          dotnet run --project infra/Cli -- render --stack <name> [--out <dir>] [--project-dir <dir>]
          dotnet run --project infra/Cli -- render --all [--out <dir>] [--project-dir <dir>]
          dotnet run --project infra/Cli -- plan (--changed <file>... | --base <git ref>) [--project-dir <dir>]
          dotnet run --project infra/Cli -- upgrade-check --stack <name> [--deployed <version>] [--project-dir <dir>]

        render validates Pulumi.<name>.yaml as `pulumi up` would, then prints a summary: the VPC and subnets, the
        kube-proxy mode and scheduler, each node group and every warning. Invalid config: every error on stderr,
        exit code 2, nothing written. --all does that for every stack of the project and checks stacks.yaml.

        plan prints, as JSON for a CI matrix, the stacks a change reaches, each with its wave, region and role
        (stacks.yaml).

        upgrade-check refuses a kubernetesVersion more than one minor above the deployed one, or below it (exit 1).

        On a live cluster, prove what the nodes really run: bash infra/Cli/verify-cluster.sh --help
        """;

    /// <param name="time">The clock that decides which Kubernetes versions EKS offers (tests pass a fixed day).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string workingDirectory, TimeProvider? time = null)
    {
        var today = DateOnly.FromDateTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        var options = new RenderOptions.Symbols(workingDirectory);
        var render = new Command("render", "Validate a stack as `pulumi up` would and show what it creates; exit code 2 on invalid config.")
        {
            options.Stack, options.All, options.Out, options.ProjectDir,
        };
        render.Validators.Add(result =>
        {
            if ((result.GetResult(options.Stack) is null) == (result.GetResult(options.All) is null))
            {
                result.AddError("render: give either --stack <name> or --all");
            }
        });
        render.SetAction(parse => Guarded(stderr, () => parse.GetValue(options.All)
            ? RenderAllCommand.Run(options.ProjectDirectory(parse, workingDirectory), options.OutDirectory(parse, workingDirectory), stdout, stderr, today)
            : RenderCommand.Run(options.From(parse, workingDirectory), stdout, stderr, today)));

        var changed = new Option<string[]>("--changed")
        {
            Description = "the changed files, relative to the project folder (as `git diff --name-only` prints them)",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var baseRef = new Option<string>("--base") { Description = "a git ref: the files changed between it and HEAD", HelpName = "git ref" };
        var planProjectDir = new Option<string>("--project-dir") { Description = "the folder holding Pulumi.yaml (default: the current folder)", HelpName = "dir" };
        var plan = new Command("plan", "Print the stacks a change reaches, as JSON for a CI matrix (wave, region and role from stacks.yaml).")
        {
            changed, baseRef, planProjectDir,
        };
        plan.Validators.Add(result =>
        {
            if ((result.GetResult(changed) is null) == (result.GetResult(baseRef) is null))
            {
                result.AddError("plan: give either --changed <file>... or --base <git ref>");
            }
        });
        plan.SetAction(parse => Guarded(stderr, () => PlanCommand.Run(
            Path.GetFullPath(parse.GetValue(planProjectDir) ?? ".", workingDirectory),
            parse.GetValue(changed) ?? [], parse.GetValue(baseRef), stdout, stderr)));

        // The stack file's kubernetesVersion against the deployed stack's output, before preview and up.
        var upgradeOptions = new RenderOptions.Symbols(workingDirectory);
        upgradeOptions.Stack.Required = true;
        upgradeOptions.Stack.Description = "the stack whose Pulumi.<name>.yaml to read";
        var deployed = new Option<string>("--deployed")
        {
            Description = "the deployed stack's kubernetesVersion output; empty or absent for a stack not deployed yet",
            HelpName = "version",
        };
        var upgradeCheck = new Command("upgrade-check",
            "Refuse a kubernetesVersion change EKS cannot make: more than one minor up, or down (exit code 1).")
        {
            upgradeOptions.Stack, deployed, upgradeOptions.ProjectDir,
        };
        upgradeCheck.SetAction(parse => Guarded(stderr, () => KubernetesUpgrade.Check(
            upgradeOptions.ProjectDirectory(parse, workingDirectory), parse.GetValue(upgradeOptions.Stack)!, parse.GetValue(deployed),
            stdout, stderr, today)));

        var root = new RootCommand(Description) { render, plan, upgradeCheck };

        // No response files: an argument starting with @ is never read as a file of arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"error: {error.Message}");
            }
            stderr.WriteLine("Run with --help for usage.");
            return InvalidInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    private static int Guarded(TextWriter stderr, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return InvalidInput;
        }
        catch (StackFileException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return InvalidInput;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Failed;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }
}

public sealed class UsageException(string message) : Exception(message);
