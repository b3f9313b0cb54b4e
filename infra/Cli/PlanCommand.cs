using System.Diagnostics;
using EksIpvs.Core.Fleet;
using EksIpvs.Core.StackFiles;

namespace EksIpvs.Cli;

/// <summary>`plan --changed &lt;file&gt;... | --base &lt;ref&gt;`: the stacks a change reaches, as one line of JSON for a CI
/// matrix (rules: <see cref="ChangePlan"/>). The project folder is the repository root.</summary>
public static class PlanCommand
{
    /// <param name="changedFiles">Repository-relative paths; used when <paramref name="baseRef"/> is null.</param>
    /// <param name="baseRef">A git ref: the changed files are `git diff --name-only base...HEAD`. A ref git does not
    /// know (a branch's first push, history rewritten) reaches every stack.</param>
    /// <returns>0 with the plan on stdout; 2 when stacks.yaml, a stack's aws:region or git's answer is unusable.</returns>
    public static int Run(string projectDirectory, IReadOnlyList<string> changedFiles, string? baseRef, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var stacks = ProjectStacks.Names(projectDirectory);
            var rollout = StacksFile.Load(projectDirectory, stacks);
            if (!rollout.IsValid)
            {
                RenderCommand.WriteErrors(stderr, StacksFile.FileName, rollout.Errors);
                return Cli.InvalidInput;
            }
            IReadOnlyList<FileEffect> files;
            if (baseRef is null)
            {
                files = changedFiles.Select(ChangePlan.Classify).ToList();
            }
            else if (Git(projectDirectory, "rev-parse", "--verify", "--quiet", $"{baseRef}^{{commit}}").Code != 0)
            {
                files = [new FileEffect($"{baseRef}...HEAD", Reach.Every, $"the base {baseRef} is not a commit of this clone (first push, or history rewritten): every stack")];
            }
            else
            {
                // --no-renames: a renamed stack file shows as the old name deleted and the new one added.
                var (code, output, error) = Git(projectDirectory, "diff", "--name-only", "--no-renames", "-z", $"{baseRef}...HEAD");
                if (code != 0)
                {
                    stderr.WriteLine($"error: plan: git diff {baseRef}...HEAD failed: {error.Trim()}");
                    return Cli.InvalidInput;
                }
                files = output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(ChangePlan.Classify).ToList();
            }
            var plan = ChangePlan.For(files, stacks, rollout.Rollout!, stack => ProjectStacks.Region(projectDirectory, stack));
            stdout.WriteLine(ChangePlan.ToJson(plan));
            return Cli.Ok;
        }
        catch (StackFileException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Cli.InvalidInput;
        }
    }

    private static (int Code, string Out, string Err) Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var git = Process.Start(start)!;
            var stderrTask = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return (git.ExitCode, output, stderrTask.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new StackFileException($"plan --base needs git on PATH: {e.Message}");
        }
    }
}
