namespace EksIpvs.Core.Iam;

/// <summary>The IAM role every node group's instances assume: only what a node needs, and no SSH (Session Manager
/// instead, through AmazonSSMManagedInstanceCore).</summary>
public static class NodeRole
{
    public static readonly IReadOnlyList<string> ManagedPolicies =
    [
        "AmazonEKSWorkerNodePolicy",          // join the cluster, describe EC2
        "AmazonEKS_CNI_Policy",               // aws-node assigns ENIs and pod IPs
        "AmazonEC2ContainerRegistryReadOnly", // pull the EKS and add-on images
        "AmazonSSMManagedInstanceCore",       // Session Manager instead of SSH keys and port 22
    ];

    /// <summary>Trust policy: only EC2 instances may assume the role.</summary>
    public const string AssumeRolePolicy =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    /// <summary>ARNs in the stack's partition (aws, aws-cn, aws-us-gov).</summary>
    public static IReadOnlyList<string> PolicyArns(string partition) =>
        ManagedPolicies.Select(p => $"arn:{partition}:iam::aws:policy/{p}").ToList();
}
