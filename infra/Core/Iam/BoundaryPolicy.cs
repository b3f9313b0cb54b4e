namespace EksIpvs.Core.Iam;

/// <summary>
/// The permissions boundary of every role the stack creates, and of the deploy role (README, CD). A boundary caps a
/// role's permissions at the intersection with its own policies (IAM User Guide, "Permissions boundaries for IAM
/// entities"), so it allows everything the roles' AWS managed policies need and denies what would let any of them,
/// or the deploy role, escape: changing or removing a boundary, editing this policy, touching the deploy role, and
/// creating or extending a role without this boundary.
/// </summary>
public static class BoundaryPolicy
{
    /// <summary>The actions that give a role permissions; allowed only when the role keeps this boundary.</summary>
    public static readonly IReadOnlyList<string> RolePermissionActions =
        ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"];

    /// <summary>The actions that would change what this policy allows.</summary>
    public static readonly IReadOnlyList<string> PolicyEditActions =
        ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"];

    /// <param name="partition">aws, aws-cn or aws-us-gov.</param>
    public static string For(ClusterSpec spec, string partition = "aws")
    {
        var boundary = StackRoles.BoundaryArn(spec, partition);
        var deployRole = $"arn:{partition}:iam::*:role/{StackRoles.DeployRoleName(spec.ClusterName)}";
        return SpecJson.PolicyDocument(
        [
            // The roles' own policies decide what they may do; the boundary only takes away.
            Statement("AllowWithinBoundary", "Allow", ["*"], ["*"]),
            Statement("DenyRolesWithoutThisBoundary", "Deny", RolePermissionActions, ["*"],
                new Dictionary<string, object> { ["ArnNotLike"] = new Dictionary<string, object> { ["iam:PermissionsBoundary"] = boundary } }),
            Statement("DenyRemovingBoundaries", "Deny", ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"], ["*"]),
            Statement("DenyEditingThisBoundary", "Deny", PolicyEditActions, [boundary]),
            // IAM has no condition key on a trust policy's content, so the deploy role decides whom the stack's roles
            // trust; it must not be able to become one of them.
            Statement("DenyAssumingTheStacksRoles", "Deny", ["sts:AssumeRole"],
                StackRoles.Names(spec.ClusterName).Select(n => $"arn:{partition}:iam::*:role/{n}").ToList()),
            Statement("DenyChangingTheDeployRole", "Deny",
                ["iam:AttachRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                 "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
                 "iam:UpdateRole", "iam:UpdateRoleDescription"],
                [deployRole]),
        ]);
    }

    private static Dictionary<string, object> Statement(string sid, string effect, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        Dictionary<string, object>? condition = null)
    {
        var statement = new Dictionary<string, object> { ["Sid"] = sid, ["Effect"] = effect, ["Action"] = actions, ["Resource"] = resources };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }
        return statement;
    }
}
