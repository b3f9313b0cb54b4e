namespace EksIpvs.Core.Validation;

/// <summary>One problem with the stack config: the key, the value given, what is wrong and what is allowed.</summary>
/// <param name="Key">The fully qualified key, e.g. "eks-ipvs:nodeGroups[0].minSize".</param>
/// <param name="Value">The value as given (JSON for structures), or null when the key was not set.</param>
/// <param name="Allowed">For an error, what is allowed; for a warning, what to do about it.</param>
public sealed record ConfigIssue(string Key, string? Value, string Problem, string Allowed, bool IsWarning = false)
{
    public override string ToString() =>
        $"{Key}{(Value is null ? "" : $" = {Value}")}: {Problem}; {(IsWarning ? "advice" : "allowed")}: {Allowed}";
}

/// <summary>The stack config is invalid; the message lists every error, so one run shows them all.</summary>
public sealed class InvalidStackConfigException(IReadOnlyList<ConfigIssue> errors)
    : Exception($"stack config is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):" +
        string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}")))
{
    public IReadOnlyList<ConfigIssue> Errors { get; } = errors;
}

/// <summary>The outcome of validating a stack's config.</summary>
public sealed record SpecResult(ClusterSpec? Spec, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The spec, or an exception listing every error.</summary>
    public ClusterSpec Require() => IsValid && Spec is not null ? Spec : throw new InvalidStackConfigException(Errors);
}
