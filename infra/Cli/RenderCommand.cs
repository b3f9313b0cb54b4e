using EksIpvs.Spec;

namespace EksIpvs.Cli;

/// <summary>`render`: validate, summarise, and optionally write exactly what the add-ons and nodes receive.</summary>
public static class RenderCommand
{
    public static int Run(RenderOptions options, TextWriter stdout, TextWriter stderr)
    {
        var config = StackFile.Load(options.ProjectDirectory, options.Stack);
        var result = SpecValidator.Validate(config);
        if (!result.IsValid)
        {
            stderr.WriteLine($"error: Pulumi.{options.Stack}.yaml is invalid ({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}); nothing was rendered:");
            foreach (var error in result.Errors)
            {
                stderr.WriteLine($"  - {error}");
            }
            return Cli.InvalidInput;
        }
        var spec = result.Require();
        var files = RenderedFiles(spec);
        stdout.Write(Summary.Of(spec, result.Warnings));
        if (options.OutDirectory is { } outDirectory)
        {
            Write(outDirectory, files);
            stdout.WriteLine();
            stdout.WriteLine($"Wrote {files.Count} files to {outDirectory}:");
            foreach (var path in files.Keys)
            {
                stdout.WriteLine($"  {path}");
            }
        }
        return Cli.Ok;
    }

    /// <summary>Relative path to content, all computed before anything touches the disk.</summary>
    public static SortedDictionary<string, string> RenderedFiles(ClusterSpec spec)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["kube-proxy.json"] = KubeProxyConfig.For(spec).ToJson(),
            ["vpc-cni.json"] = VpcCniConfig.For(spec).ToJson(),
            ["deploy-policy.json"] = DeployPolicy.For(spec, DeployPolicy.TypesFor(spec)),
            ["coredns.json"] = CoreDnsConfig.For(spec).ToJson(),
        };
        foreach (var group in spec.NodeGroups)
        {
            var template = NodeLaunchTemplate.For(spec, group);
            files[$"nodegroups/{group.Name}.userdata"] = template.UserData;
            files[$"nodegroups/{group.Name}.launch-template.json"] = template.ToJson();
        }
        return files;
    }

    private static void Write(string outDirectory, IReadOnlyDictionary<string, string> files)
    {
        // A group removed from the stack must not leave its old user data behind.
        var nodeGroups = Path.Combine(outDirectory, "nodegroups");
        if (Directory.Exists(nodeGroups))
        {
            foreach (var stale in Directory.GetFiles(nodeGroups, "*.userdata"))
            {
                File.Delete(stale);
            }
        }
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(outDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
    }
}
