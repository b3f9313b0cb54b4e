using System.Collections.Immutable;
using EksIpvs.Core;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;
using Pulumi;
using Pulumi.Aws.Eks.Inputs;
using Pulumi.Aws.Iam;
using Pulumi.Eks;

namespace EksIpvs.Infra;

/// <param name="Partition">The AWS partition (aws, aws-cn, aws-us-gov), for managed policy ARNs.</param>
/// <param name="SelfManagedKubeProxy">With a self-managed kube-proxy, its configuration, which nodes must wait for.</param>
public sealed record NodeGroupsArgs(ClusterSpec Spec, EksCluster Cluster, Network Network, string Partition,
    SelfManagedKubeProxy? SelfManagedKubeProxy);

/// <summary>One managed node group per configured group, in the private subnets, each with a launch template of
/// its own carrying the user data the spec renders, and one node role with only the policies nodes need.</summary>
public sealed class NodeGroups : ComponentResource
{
    [Output] public Output<ImmutableArray<string>> Names { get; private set; }

    public NodeGroups(string name, NodeGroupsArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:NodeGroups", name, options)
    {
        var spec = args.Spec;
        var child = new CustomResourceOptions { Parent = this };

        // Named <cluster>-node so the deploy policy can scope it. A stack created before keeps its generated name:
        // a new node role would replace every node group (EKS cannot change a group's node role).
        var role = new Role("node", StackRoleArgs.For(spec, StackRoles.NodeRoleName(spec.ClusterName), NodeRole.AssumeRolePolicy),
            new CustomResourceOptions { Parent = this, IgnoreChanges = { "name" } });
        var attachments = NodeRole.PolicyArns(args.Partition).Select(arn =>
            new RolePolicyAttachment($"node-{arn[(arn.LastIndexOf('/') + 1)..]}", new RolePolicyAttachmentArgs
            {
                Role = role.Name,
                PolicyArn = arn,
            }, child)).ToList();

        // The role's policies, the cluster with its add-ons and, if any, the self-managed kube-proxy's configuration
        // all exist before an instance tries to join.
        var prerequisites = attachments.Append<Resource>(args.Cluster.Cluster).ToList();
        if (args.SelfManagedKubeProxy is { } kubeProxy)
        {
            prerequisites.Add(kubeProxy);
        }

        var groups = spec.NodeGroups.Select(group =>
        {
            var launchTemplate = NodeGroupLaunchTemplate.Create(spec, group, child);
            // No EnableIMDSv2, NodeadmExtraOptions, BottlerocketSettings or DiskSize: the launch template carries
            // them, pulumi-eks refuses the first three beside one and EKS refuses the last.
            var groupArgs = new ManagedNodeGroupArgs
            {
                Cluster = args.Cluster.Cluster,
                // A prefix, not a fixed name: EKS replaces a group (e.g. on an instance type change) by creating the
                // new one first, and two groups cannot share a name.
                NodeGroupNamePrefix = $"{group.Name}-",
                NodeRole = role,
                SubnetIds = args.Network.PrivateSubnetIds,
                LaunchTemplate = NodeGroupLaunchTemplate.Reference(launchTemplate),
                // EKS picks the AMI from these; with a launch template pulumi-eks does not default the version.
                AmiType = group.AmiType,
                Version = spec.KubernetesVersion,
                InstanceTypes = group.InstanceTypes.ToList(),
                CapacityType = group.CapacityType,
                ScalingConfig = new NodeGroupScalingConfigArgs
                {
                    MinSize = group.MinSize,
                    DesiredSize = group.DesiredSize,
                    MaxSize = group.MaxSize,
                },
                // The cluster autoscaler owns the desired size once the group exists (as in terraform-aws-eks).
                IgnoreScalingChanges = true,
                Labels = new Dictionary<string, string>(group.Labels),
                Taints = group.Taints.Select(ToTaintArgs).ToList(),
                Tags = spec.TagsNamed(spec.NodeGroupResourceName(group)),
            };
            if (group.AmiReleaseVersion is { } release)
            {
                groupArgs.ReleaseVersion = release;
            }
            // Depending on the (remote) Cluster component waits for all its children, the kube-proxy and vpc-cni
            // add-ons among them: no node joins before kube-proxy is in the configured mode.
            return new ManagedNodeGroup(group.Name, groupArgs, new ComponentResourceOptions
            {
                Parent = this,
                DependsOn = prerequisites,
            });
        }).ToList();

        Names = Output.All(groups.Select(g => g.NodeGroup.Apply(n => n.NodeGroupName)));
        RegisterOutputs();
    }

    private static NodeGroupTaintArgs ToTaintArgs(NodeTaint taint)
    {
        var args = new NodeGroupTaintArgs { Key = taint.Key, Effect = taint.EksEffect };
        if (taint.Value is { } value)
        {
            args.Value = value;
        }
        return args;
    }
}
