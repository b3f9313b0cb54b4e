using System.Text;

namespace EksIpvs.Core.Nodes;

/// <summary>
/// How many bytes of user data a node group may carry. EC2 refuses a launch template whose user data is over
/// 16,384 bytes before base64, and EKS merges its own NodeConfig (cluster name, endpoint, CA certificate, service
/// CIDR, MIME framing) and the group's labels and taints (kubelet flags) into the same user data. A group over
/// the budget would fail at `pulumi up` after the VPC and the control plane exist, so the validator refuses it.
/// </summary>
public static class UserDataBudget
{
    /// <summary>EC2 user guide, "Run commands when you launch an EC2 instance with user data input": user data is
    /// limited to 16 KB in raw form, before base64 (API error InvalidUserData.Malformed). Checked 2026-11-29.</summary>
    public const int Ec2Limit = 16_384;

    /// <summary>Room kept for the NodeConfig part EKS merges into AL2023 user data (or its settings into
    /// Bottlerocket's): about 2.1 KB measured for pulumi-eks's equivalent part, plus margin for a longer endpoint
    /// and cluster name (issue #8).</summary>
    public const int EksReserve = 2_384;

    /// <summary>The budget of a group without labels or taints: 14,000 bytes.</summary>
    public const int Limit = Ec2Limit - EksReserve;

    public static int Bytes(string userData) => Encoding.UTF8.GetByteCount(userData);

    /// <summary>What EKS adds for the group's labels and taints: kubelet's --node-labels (key=value,) and
    /// --register-with-taints (key=value:Effect,).</summary>
    public static int LabelsAndTaints(NodeGroupSpec group) =>
        group.Labels.Sum(l => Bytes($"{l.Key}={l.Value},")) + group.Taints.Sum(t => Bytes($"{t.Key}={t.Value}:{t.Effect},"));

    /// <summary>The most this project may put in the group's user data.</summary>
    public static int LimitFor(NodeGroupSpec group) => Limit - LabelsAndTaints(group);
}
