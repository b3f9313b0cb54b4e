using EksIpvs.Core;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Nodes;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Cli;

/// <summary>`render`: validate, summarise, and optionally write exactly what the add-ons and nodes receive.</summary>
public static class RenderCommand
{
    public static int Run(RenderOptions options, TextWriter stdout, TextWriter stderr, DateOnly? today = null)
    {
        var stack = StackFile.Read(options.ProjectDirectory, options.Stack);
        var result = StackCheck.Validate(stack, today);
        if (!result.IsValid)
        {
            WriteErrors(stderr, $"Pulumi.{options.Stack}.yaml", result.Errors, "; nothing was rendered");
            return Cli.InvalidInput;
        }
        var spec = result.Require();
        var files = RenderedFiles(spec);
        stdout.Write(Summary.Of(spec, result.Warnings, stack.Secrets, stack.Config.Others.GetValueOrDefault("aws:region")));
        if (options.OutDirectory is { } outDirectory)
        {
            var (removed, leftAlone) = Write(outDirectory, files);
            stdout.WriteLine();
            stdout.WriteLine($"Wrote {files.Count} files to {outDirectory}:");
            foreach (var path in files.Keys)
            {
                stdout.WriteLine($"  {path}");
            }
            if (removed.Count > 0)
            {
                stdout.WriteLine($"Removed {removed.Count} file{(removed.Count == 1 ? "" : "s")} an earlier render wrote and this one does not:");
                removed.ForEach(path => stdout.WriteLine($"  {path}"));
            }
            if (leftAlone.Count > 0)
            {
                stdout.WriteLine($"Left alone {leftAlone.Count} file{(leftAlone.Count == 1 ? "" : "s")} this tool did not write:");
                leftAlone.ForEach(path => stdout.WriteLine($"  {path}"));
            }
        }
        return Cli.Ok;
    }

    /// <summary>"error: FILE is invalid (N errors)AFTER:" and one line per error, for a stack file or stacks.yaml.</summary>
    internal static void WriteErrors(TextWriter stderr, string file, IReadOnlyList<ConfigIssue> errors, string after = "")
    {
        stderr.WriteLine($"error: {file} is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}){after}:");
        foreach (var error in errors)
        {
            stderr.WriteLine($"  - {error}");
        }
    }

    /// <summary>Relative path to content, all computed before anything touches the disk.</summary>
    public static SortedDictionary<string, string> RenderedFiles(ClusterSpec spec)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["kube-proxy.json"] = KubeProxyConfig.For(spec).ToJson(),
            ["vpc-cni.json"] = VpcCniConfig.For(spec).ToJson(),
            ["deploy-policy.json"] = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec), spec.Partition),
            ["boundary-policy.json"] = BoundaryPolicy.For(spec, spec.Partition),
            ["coredns.json"] = CoreDnsConfig.For(spec).ToJson(),
        };
        foreach (var group in spec.NodeGroups)
        {
            var template = NodeLaunchTemplate.For(spec, group);
            files[$"nodegroups/{group.Name}.userdata"] = template.UserData;
            files[$"nodegroups/{group.Name}.launch-template.json"] = template.ToJson();
            // The user data carries the project's setup script gzip+base64; written decoded so a diff shows script changes.
            if (NodeBootstrap.For(spec, group).SetupScript is { } setup)
            {
                files[$"nodegroups/{group.Name}.userdata.d/{NodePayload.SetupScript}"] = setup;
            }
        }
        return files;
    }

    /// <summary>Lists, in the output folder, the files the last render wrote, so the next one can remove exactly
    /// those it no longer writes, whatever kinds of files renders produce.</summary>
    public const string Manifest = ".eks-ipvs-render";

    /// <summary>Writes the files, removes those an earlier render wrote that this one does not, and names what else
    /// is in the folder (left alone).</summary>
    internal static (List<string> Removed, List<string> LeftAlone) Write(string outDirectory, IReadOnlyDictionary<string, string> files)
    {
        var root = Path.GetFullPath(outDirectory);
        var manifest = Path.Combine(root, Manifest);
        var earlier = File.Exists(manifest)
            ? File.ReadAllLines(manifest).Where(line => line.Length > 0 && !line.StartsWith('#')).Select(Normal).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
        var removed = new List<string>();
        foreach (var stale in earlier.Where(p => !files.ContainsKey(p)).Order(StringComparer.Ordinal))
        {
            var target = Path.Combine(root, stale);
            if (File.Exists(target))
            {
                File.Delete(target);
                removed.Add(stale);
                var dir = Path.GetDirectoryName(target)!;
                if (dir != root && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
        File.WriteAllLines(manifest, ["# Files `eks-ipvs render` wrote here; the next render removes those it no longer writes.", .. files.Keys]);
        var leftAlone = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(p => p != Manifest && !files.ContainsKey(p))
            .Order(StringComparer.Ordinal)
            .ToList();
        return (removed, leftAlone);

        // A manifest line names a file inside the folder, or nothing (an edited line never reaches outside).
        string? Normal(string line)
        {
            string full;
            try
            {
                full = Path.GetFullPath(Path.Combine(root, line));
            }
            catch (ArgumentException)
            {
                return null;
            }
            return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? Path.GetRelativePath(root, full).Replace('\\', '/')
                : null;
        }
    }
}
