using System.CommandLine;
using System.Text.RegularExpressions;

namespace EksIpvs.Cli;

/// <summary>The options of `render`, parsed and checked by System.CommandLine.</summary>
public sealed partial record RenderOptions(string Stack, string? OutDirectory, string ProjectDirectory)
{
    /// <summary>The options of one parse (System.CommandLine symbols belong to one command tree).</summary>
    public sealed class Symbols
    {
        public Option<string> Stack { get; } = new("--stack")
        {
            Description = "the stack whose Pulumi.<name>.yaml to read (this or --all)",
            HelpName = "name",
        };

        public Option<bool> All { get; } = new("--all")
        {
            Description = "validate and render every Pulumi.<stack>.yaml of the project, and stacks.yaml, in one process; " +
                "with --out, each into <dir>/<stack>/; exit code 2 if any is invalid, the others still rendered",
        };

        public Option<string> Out { get; } = new("--out")
        {
            Description = "also write <dir>/kube-proxy.json, <dir>/vpc-cni.json and <dir>/coredns.json (the add-ons' configurationValues), " +
                "<dir>/nodegroups/<group>.userdata and <group>.launch-template.json (that group's launch template: its user data, " +
                "decoded, and its metadata, disk and tag settings), <group>.userdata.d/node-setup.sh (AL2023: the setup script the " +
                "user data carries gzip+base64, decoded) and <dir>/deploy-policy.json (the IAM policy a pipeline role needs " +
                "for this stack); afterwards <dir> holds " +
                "exactly this render's files: files an earlier render wrote and this one does not are removed, any other file is left alone",
            HelpName = "dir",
        };

        public Option<string> ProjectDir { get; } = new("--project-dir")
        {
            Description = "the folder holding Pulumi.yaml (default: the current folder)",
            HelpName = "dir",
        };

        public Symbols(string workingDirectory)
        {
            // A repeated option is refused by System.CommandLine itself ("expects a single argument but 2 were provided").
            Stack.Validators.Add(result =>
            {
                if (result.Tokens.Count == 1 && StackNameProblem(result.Tokens[0].Value) is { } problem)
                {
                    result.AddError(problem);
                }
            });
            Out.Validators.Add(result =>
            {
                if (result.Tokens.Count == 1 && OutProblem(result.Tokens[0].Value, workingDirectory) is { } problem)
                {
                    result.AddError(problem);
                }
            });
        }

        public string ProjectDirectory(ParseResult parse, string workingDirectory) =>
            Path.GetFullPath(parse.GetValue(ProjectDir) ?? ".", workingDirectory);

        public string? OutDirectory(ParseResult parse, string workingDirectory) =>
            parse.GetValue(Out) is { } outDirectory ? Path.GetFullPath(outDirectory, workingDirectory) : null;

        public RenderOptions From(ParseResult parse, string workingDirectory) =>
            new(parse.GetValue(Stack)!, OutDirectory(parse, workingDirectory), ProjectDirectory(parse, workingDirectory));
    }

    /// <summary>--out must be a folder, or not exist yet under folders (never a file, nor under one).</summary>
    public static string? OutProblem(string path, string workingDirectory)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path, workingDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"--out '{path}' is not a usable path: {e.Message}";
        }
        for (var dir = full; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir))
            {
                return dir == full
                    ? $"--out '{path}' is a file; give a folder (it is created if missing)"
                    : $"--out '{path}' is under '{dir}', which is a file; give a folder";
            }
        }
        return null;
    }

    /// <summary>Pulumi's stack-name rule (pulumi/pulumi sdk/go/common/tokens/stack_name.go ParseStackName): 1-100
    /// letters, digits, -, _ and ., so the name is never a path.</summary>
    public static string? StackNameProblem(string name)
    {
        if (StackNamePattern().IsMatch(name))
        {
            return null;
        }
        var hint = name.Contains('/', StringComparison.Ordinal)
            ? $"; for a fully qualified stack such as org/project/dev give only its last part, the stack name (here '{name.Split('/')[^1]}')"
            : "";
        return $"--stack '{name}' is not a Pulumi stack name: 1-100 letters, digits, -, _ and . (not a path){hint}";
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex StackNamePattern();
}
