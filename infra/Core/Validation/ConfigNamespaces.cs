using EksIpvs.Core.StackFiles;

namespace EksIpvs.Core.Validation;

/// <summary>
/// A key under a misspelled namespace (eks_ipvs:proxyMode, aws-:region) reaches the program in its config, and
/// nobody reads it: the program reads its own namespace, the AWS provider reads aws:. Pulumi says nothing, so the
/// cluster silently gets a default the user did not choose. A namespace one or two edits from the project's, or
/// from aws, is therefore an error naming the namespace meant, in the offline tool and in `pulumi up` alike.
/// </summary>
internal static class ConfigNamespaces
{
    public const string Aws = "aws";

    /// <summary>Namespaces of real Pulumi packages a stack may configure, never taken for a typo of the project's or
    /// aws (awsx is one edit from aws, eks and tls two).</summary>
    public static readonly IReadOnlyList<string> Packages =
        ["aws", "aws-native", "awsx", "eks", "kubernetes", "pulumi", "random", "tls", "command", "std"];

    private const int MaxEdits = 2;

    public static void Check(Reader read, StackConfig config)
    {
        foreach (var (key, value) in config.Others)
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var (ns, name) = (key[..colon], key[(colon + 1)..]);
            if (Meant(ns, config.Project) is not { } meant)
            {
                continue;
            }
            var owner = meant == Aws ? "the AWS provider reads aws: keys only" : $"this program reads {config.Project}: keys only";
            read.Error(key, Reader.Display(value),
                $"namespace '{ns}' is no package's, so nobody reads this key ({owner}) and pulumi up would ignore it; did you mean {meant}:{name}?",
                $"{meant}:{name}" + (meant == config.Project ? $", or {name} alone under config:" : ""));
        }
    }

    /// <summary>The namespace <paramref name="ns"/> is a misspelling of, or null when it is itself a real one or far from both.</summary>
    public static string? Meant(string ns, string project)
    {
        if (ns == project || Packages.Contains(ns, StringComparer.Ordinal))
        {
            return null;
        }
        foreach (var target in new[] { project, Aws })
        {
            if (Suggestions.Distance(ns.ToLowerInvariant(), target.ToLowerInvariant()) <= MaxEdits)
            {
                return target;
            }
        }
        return null;
    }
}
