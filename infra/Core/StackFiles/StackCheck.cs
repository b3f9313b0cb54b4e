using EksIpvs.Core.Validation;

namespace EksIpvs.Core.StackFiles;

/// <summary>Validates a stack file as read by <see cref="StackFile.Read"/>: the reading errors (e.g. "quote it")
/// first, then the validator's, without saying the same thing twice about one key.</summary>
public static class StackCheck
{
    public static SpecResult Validate(LoadedStack stack, DateOnly? today = null)
    {
        var result = SpecValidator.Validate(stack.Config, today);
        var read = stack.Errors.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        bool SaidAlready(ConfigIssue issue) =>
            read.Contains(issue.Key) || read.Any(k => k.StartsWith(issue.Key + "[", StringComparison.Ordinal));
        var errors = stack.Errors.Concat(result.Errors.Where(e => !SaidAlready(e))).ToList();
        return new SpecResult(errors.Count == 0 ? result.Spec : null, errors, [.. stack.Warnings, .. result.Warnings]);
    }
}
