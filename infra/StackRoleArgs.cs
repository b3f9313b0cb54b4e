using EksIpvs.Core;
using Pulumi.Aws.Iam;

namespace EksIpvs.Infra;

/// <summary>The arguments of every IAM role the stack creates: its fixed name, the stack's tags and, when
/// configured, the permissions boundary (without which the deploy policy cannot create it).</summary>
internal static class StackRoleArgs
{
    public static RoleArgs For(ClusterSpec spec, string name, string assumeRolePolicy, string? description = null)
    {
        var args = new RoleArgs
        {
            Name = name,
            AssumeRolePolicy = assumeRolePolicy,
            Tags = spec.TagsNamed(name),
        };
        if (description is not null)
        {
            args.Description = description;
        }
        if (spec.PermissionsBoundaryArn is { } boundary)
        {
            args.PermissionsBoundary = boundary;
        }
        return args;
    }
}
