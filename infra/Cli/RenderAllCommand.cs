using EksIpvs.Core.Fleet;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Cli;

/// <summary>`render --all [--out dir]`: validate and render every Pulumi.&lt;stack&gt;.yaml of the project in one
/// process, each into &lt;dir&gt;/&lt;stack&gt;/. An invalid stack is reported under its name and the others are
/// still rendered; stacks.yaml, when present, is checked against the stack files too.</summary>
public static class RenderAllCommand
{
    /// <returns>0 when every stack (and stacks.yaml) is valid, 2 when any is not, 1 when a file cannot be written.</returns>
    /// <param name="today">The day that decides which Kubernetes versions EKS offers (tests pass a fixed one).</param>
    public static int Run(string projectDirectory, string? outDirectory, TextWriter stdout, TextWriter stderr, DateOnly? today = null)
    {
        var stacks = ProjectStacks.Names(projectDirectory);
        if (stacks.Count == 0)
        {
            stderr.WriteLine($"error: no Pulumi.<stack>.yaml in {projectDirectory}");
            return Cli.InvalidInput;
        }
        var invalid = new List<string>();
        try
        {
            foreach (var stack in stacks)
            {
                if (!RenderOne(projectDirectory, stack, outDirectory, stdout, stderr, today))
                {
                    invalid.Add($"Pulumi.{stack}.yaml");
                }
            }
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Cli.Failed;
        }
        if (File.Exists(Path.Combine(projectDirectory, StacksFile.FileName)) && !RolloutIsValid(projectDirectory, stacks, stderr))
        {
            invalid.Add(StacksFile.FileName);
        }
        var rendered = stacks.Count - invalid.Count(f => f != StacksFile.FileName);
        stdout.WriteLine($"{rendered} of {stacks.Count} stack{(stacks.Count == 1 ? "" : "s")} valid" +
            (outDirectory is null ? "" : $", rendered into {outDirectory}/<stack>/") +
            (invalid.Count == 0 ? "" : $"; invalid: {string.Join(", ", invalid)}"));
        return invalid.Count == 0 ? Cli.Ok : Cli.InvalidInput;
    }

    private static bool RenderOne(string projectDirectory, string stack, string? outDirectory, TextWriter stdout, TextWriter stderr, DateOnly? today)
    {
        // The same reading and rules as `render --stack`: YAML as the Pulumi CLI reads it, then the validator.
        SpecResult result;
        try
        {
            result = StackCheck.Validate(StackFile.Read(projectDirectory, stack), today);
        }
        catch (StackFileException e)
        {
            stderr.WriteLine($"error: Pulumi.{stack}.yaml: {e.Message}");
            return false;
        }
        if (!result.IsValid)
        {
            RenderCommand.WriteErrors(stderr, $"Pulumi.{stack}.yaml", result.Errors, $"; {stack} was not rendered");
            return false;
        }
        var files = RenderCommand.RenderedFiles(result.Require());
        if (outDirectory is not null)
        {
            RenderCommand.Write(Path.Combine(outDirectory, stack), files);
        }
        stdout.WriteLine($"{stack}: valid, {files.Count} files" + (outDirectory is null ? "" : $" in {Path.Combine(outDirectory, stack)}") +
            (result.Warnings.Count == 0 ? "" : $", {result.Warnings.Count} warning{(result.Warnings.Count == 1 ? "" : "s")}:"));
        foreach (var warning in result.Warnings)
        {
            stdout.WriteLine($"  - {warning}");
        }
        return true;
    }

    private static bool RolloutIsValid(string projectDirectory, IReadOnlyList<string> stacks, TextWriter stderr)
    {
        RolloutResult result;
        try
        {
            result = StacksFile.Load(projectDirectory, stacks);
        }
        catch (StackFileException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return false;
        }
        if (result.IsValid)
        {
            return true;
        }
        RenderCommand.WriteErrors(stderr, StacksFile.FileName, result.Errors);
        return false;
    }
}
