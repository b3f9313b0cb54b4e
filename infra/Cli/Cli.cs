using EksIpvs.Spec;

namespace EksIpvs.Cli;

/// <summary>Command dispatch. Exit codes: 0 success, 2 invalid input (config or arguments), 1 anything else.</summary>
public static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidInput = 2;

    public const string Usage = """
        eks-ipvs: validate a stack and render what its cluster receives, offline (no AWS account needed).

        Usage:
          dotnet run --project infra/Cli -- render --stack <name> [--out <dir>] [--project-dir <dir>]

        render     Validate Pulumi.<name>.yaml as `pulumi up` would, then print a summary: the VPC and subnets,
                   the kube-proxy mode and scheduler, each node group and every warning.
          --stack        the stack whose Pulumi.<name>.yaml to read (required)
          --out          also write <dir>/kube-proxy.json and <dir>/vpc-cni.json (the add-ons' configurationValues)
                         and <dir>/nodegroups/<group>.userdata (what that group's nodes receive from this project)
          --project-dir  the folder holding Pulumi.yaml (default: the current folder)

        Invalid config: every error on stderr, exit code 2, nothing written.

        On a live cluster, prove what the nodes really run: bash infra/Cli/verify-cluster.sh --help
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string workingDirectory)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? InvalidInput : Ok;
        }
        try
        {
            return args[0] switch
            {
                "render" => RenderCommand.Run(RenderOptions.Parse(args[1..], workingDirectory), stdout, stderr),
                _ => throw new UsageException($"unknown command '{args[0]}'; allowed: render"),
            };
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
    }
}

public sealed class UsageException(string message) : Exception(message);
