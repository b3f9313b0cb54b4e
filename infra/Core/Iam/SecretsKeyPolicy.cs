namespace EksIpvs.Core.Iam;

/// <summary>
/// The policies of the KMS key that envelope-encrypts Kubernetes secrets, as terraform-aws-eks v21 builds them
/// (terraform-aws-kms v4.0.0 main.tf; terraform-aws-eks main.tf "cluster_encryption"; checked 2026-11-29):
/// the account root keeps kms:* so the key can never be orphaned, the identity that deploys the stack administers
/// it, and the cluster role may use it. The cluster role also gets an IAM policy for the key alone.
/// </summary>
public static class SecretsKeyPolicy
{
    /// <summary>What a key administrator may do: manage the key, never use it to encrypt or decrypt.</summary>
    public static readonly IReadOnlyList<string> AdministratorActions =
    [
        "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
        "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion", "kms:ReplicateKey", "kms:ImportKeyMaterial",
    ];

    /// <summary>What a key user (the cluster role) may do in the key policy.</summary>
    public static readonly IReadOnlyList<string> UserActions =
        ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

    /// <summary>The cluster role's own IAM policy for the key (terraform-aws-eks's cluster_encryption).</summary>
    public static readonly IReadOnlyList<string> ClusterRoleActions =
        ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"];

    /// <param name="administratorArn">The deploying identity as a role or user ARN (an assumed-role session resolved
    /// to its role, path included), never an sts session ARN, which a key policy cannot name.</param>
    public static string KeyPolicy(string partition, string accountId, string administratorArn, string clusterRoleArn) =>
        Document(
            Statement("Default", $"arn:{partition}:iam::{accountId}:root", ["kms:*"], "*"),
            Statement("KeyAdministration", administratorArn, AdministratorActions, "*"),
            Statement("KeyUsage", clusterRoleArn, UserActions, "*"));

    public static string ClusterRolePolicy(string keyArn) =>
        Document(new Dictionary<string, object>
        {
            ["Sid"] = "ClusterEncryption",
            ["Effect"] = "Allow",
            ["Action"] = ClusterRoleActions,
            ["Resource"] = keyArn,
        });

    /// <summary>The name of a role from its ARN (arn:aws:iam::111122223333:role/path/name → name), as an inline
    /// role policy takes it.</summary>
    public static string RoleName(string roleArn) => roleArn[(roleArn.LastIndexOf('/') + 1)..];

    private static Dictionary<string, object> Statement(string sid, string principal, IReadOnlyList<string> actions, string resource) =>
        new()
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Principal"] = new Dictionary<string, object> { ["AWS"] = principal },
            ["Action"] = actions,
            ["Resource"] = resource,
        };

    private static string Document(params Dictionary<string, object>[] statements) => SpecJson.PolicyDocument(statements);
}
