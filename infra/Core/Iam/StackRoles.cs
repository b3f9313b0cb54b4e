namespace EksIpvs.Core.Iam;

/// <summary>
/// The names and the tag by which a deploy role recognises what belongs to its stack. IAM cannot scope by a name
/// Pulumi makes up, so the stack's roles get fixed names under the cluster's name, and every EC2, KMS, EKS and IAM
/// resource that takes tags carries <see cref="TagKey"/> = the cluster name, which the deploy policy's
/// aws:RequestTag (create) and aws:ResourceTag (change, delete) conditions test.
/// </summary>
public static class StackRoles
{
    /// <summary>The tag on everything the stack creates; its value is the cluster name. Reserved in `tags`.</summary>
    public const string TagKey = "eks-ipvs:cluster";

    /// <summary>IAM's limit on a role name (IAM User Guide, "IAM and AWS STS quotas": role name 64 characters).</summary>
    public const int MaxRoleNameLength = 64;

    public const string ClusterRoleSuffix = "-cluster";
    public const string NodeRoleSuffix = "-node";
    public const string DeployRoleSuffix = "-deploy";
    public const string BoundaryPolicySuffix = "-boundary";

    /// <summary>The longest cluster name whose role names all fit in 64 characters (the longest suffix is -cluster).</summary>
    public static readonly int MaxClusterNameLength =
        MaxRoleNameLength - new[] { ClusterRoleSuffix, NodeRoleSuffix, DeployRoleSuffix }.Max(s => s.Length);

    /// <summary>The role EKS assumes to run the control plane.</summary>
    public static string ClusterRoleName(string clusterName) => clusterName + ClusterRoleSuffix;

    /// <summary>The role every node group's instances assume.</summary>
    public static string NodeRoleName(string clusterName) => clusterName + NodeRoleSuffix;

    /// <summary>The role a pipeline assumes to run `pulumi up`; the account administrator creates it (README, CD).</summary>
    public static string DeployRoleName(string clusterName) => clusterName + DeployRoleSuffix;

    /// <summary>The roles the stack creates and may change.</summary>
    public static IReadOnlyList<string> Names(string clusterName) => [ClusterRoleName(clusterName), NodeRoleName(clusterName)];

    /// <summary>The boundary the deploy policy requires: the configured one, else the name the README asks the
    /// administrator to create (<c>&lt;cluster&gt;-boundary</c>) in any account of the partition.</summary>
    public static string BoundaryArn(ClusterSpec spec, string partition) =>
        spec.PermissionsBoundaryArn ?? $"arn:{partition}:iam::*:policy/{spec.ClusterName}{BoundaryPolicySuffix}";

    /// <summary>Managed policies of the cluster role, as pulumi-eks v4.3.0 attaches to the role it would create
    /// (nodejs/eks/cluster/cluster.ts lines 516, 529-542).</summary>
    public static readonly IReadOnlyList<string> ClusterManagedPolicies = ["AmazonEKSClusterPolicy"];

    /// <summary>The cluster role's trust policy, as pulumi-eks's ServiceRole writes it (nodejs/eks/servicerole.ts
    /// lines 75-87, with cluster.ts line 541's actions), so an existing stack's role is taken over unchanged.</summary>
    public const string ClusterAssumeRolePolicy =
        """{"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole","sts:TagSession"],"Effect":"Allow","Principal":{"Service":["eks.amazonaws.com"]}}]}""";

    /// <summary>pulumi-eks's description of the cluster role (cluster.ts line 534), kept for the same reason.</summary>
    public const string ClusterRoleDescription = "Allows EKS to manage clusters on your behalf.";

    public static IReadOnlyList<string> ClusterPolicyArns(string partition) =>
        ClusterManagedPolicies.Select(p => $"arn:{partition}:iam::aws:policy/{p}").ToList();

    /// <summary>Every managed policy the stack attaches to its roles: the only ones the deploy role may attach.</summary>
    public static IReadOnlyList<string> AttachablePolicyArns(string partition) =>
        [.. ClusterPolicyArns(partition), .. NodeRole.PolicyArns(partition)];

    /// <summary>The suffix pulumi-eks v4.3.0 gave a ServiceRole's policy attachment: the first 8 hex digits of the SHA-1
    /// of the policy's aws-partition ARN (nodejs/eks/servicerole.ts lines 19-25 and 102-103; cluster.ts line 536
    /// passes that ARN as the id in every partition). Used only to alias an existing stack's attachment.</summary>
    public static string PulumiEksAttachmentHash(string managedPolicy) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(
            System.Text.Encoding.UTF8.GetBytes($"arn:aws:iam::aws:policy/{managedPolicy}")))[..8];
}
