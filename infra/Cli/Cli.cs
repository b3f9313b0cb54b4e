using System.CommandLine;
using EksIpvs.Spec;

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

        render validates Pulumi.<name>.yaml as `pulumi up` would, then prints a summary: the VPC and subnets, the
        kube-proxy mode and scheduler, each node group and every warning. Invalid config: every error on stderr,
        exit code 2, nothing written.

        On a live cluster, prove what the nodes really run: bash infra/Cli/verify-cluster.sh --help
        """;

    /// <param name="time">The clock that decides which Kubernetes versions EKS offers (tests pass a fixed day).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string workingDirectory, TimeProvider? time = null)
    {
        var today = DateOnly.FromDateTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        var options = new RenderOptions.Symbols(workingDirectory);
        var render = new Command("render", "Validate a stack as `pulumi up` would and show what it creates; exit code 2 on invalid config.")
        {
            options.Stack, options.Out, options.ProjectDir,
        };
        render.SetAction(parse => Guarded(stderr, () => RenderCommand.Run(options.From(parse, workingDirectory), stdout, stderr, today)));
        var root = new RootCommand(Description) { render };

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
