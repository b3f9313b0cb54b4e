using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Versions;

/// <summary>
/// The rule for changing kubernetesVersion of a deployed cluster: EKS moves a control plane one minor version at
/// a time and never back, so a stack file that skips a minor or goes down is refused before `pulumi preview` or
/// `pulumi up` reaches AWS (where it would fail after minutes, with the control plane possibly half done).
/// </summary>
public static class KubernetesUpgrade
{
    /// <summary>Why the change from the deployed version to the stack file's is refused, or null when it is allowed.</summary>
    /// <param name="deployed">The deployed stack's kubernetesVersion output; null or empty for a stack never
    /// deployed, or deployed before the output existed (then there is nothing to compare with).</param>
    public static string? Refusal(string? deployed, string target)
    {
        if (string.IsNullOrWhiteSpace(deployed))
        {
            return null;
        }
        if (SpecValidator.KubernetesMinor(deployed) is not { } from)
        {
            return $"the deployed stack's kubernetesVersion output is \"{deployed}\", not a Kubernetes minor version like 1.34; " +
                   "check `pulumi stack output kubernetesVersion`";
        }
        if (SpecValidator.KubernetesMinor(target) is not { } to)
        {
            return "not a Kubernetes minor version like 1.34";
        }
        if (to < from)
        {
            return $"older than the deployed 1.{from}, and EKS cannot downgrade a cluster; " +
                   $"set kubernetesVersion back to 1.{from} (a lower version needs a new cluster)";
        }
        if (to - from > 1)
        {
            return $"{to - from} minor versions ahead of the deployed 1.{from}, and EKS upgrades one minor version at a time; " +
                   $"set kubernetesVersion to 1.{from + 1}, let that `pulumi up` finish (control plane, add-ons, node groups, " +
                   $"CoreDNS), then raise it one minor version per update up to 1.{to}";
        }
        return null;
    }

    /// <summary>The check the CD workflow runs before `pulumi preview`: the stack file's kubernetesVersion against
    /// the deployed one. Exit codes as the offline tool's: 0 allowed, 1 refused, 2 invalid stack file.</summary>
    /// <param name="today">The day that decides which Kubernetes versions EKS offers (tests pass a fixed one).</param>
    public static int Check(string projectDirectory, string stack, string? deployed, TextWriter stdout, TextWriter stderr, DateOnly? today = null)
    {
        SpecResult result;
        try
        {
            result = StackCheck.Validate(StackFile.Read(projectDirectory, stack), today);
        }
        catch (StackFileException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (!result.IsValid)
        {
            stderr.WriteLine($"error: Pulumi.{stack}.yaml is invalid; run `dotnet run --project infra/Cli -- render --stack {stack}` for every error");
            return 2;
        }
        var target = result.Require().KubernetesVersion;
        if (Refusal(deployed, target) is { } refusal)
        {
            stderr.WriteLine($"error: {result.Require().Project}:kubernetesVersion = \"{target}\": {refusal}");
            return 1;
        }
        stdout.WriteLine(string.IsNullOrWhiteSpace(deployed)
            ? $"kubernetesVersion {target}: no deployed version to compare with (new stack, or deployed before the output existed)"
            : deployed == target
                ? $"kubernetesVersion {target}: unchanged"
                : $"kubernetesVersion {deployed} -> {target}: one minor version, as EKS requires");
        return 0;
    }
}
