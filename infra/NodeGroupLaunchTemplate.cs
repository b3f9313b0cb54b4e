using System.Globalization;
using EksIpvs.Core;
using EksIpvs.Core.Nodes;
using Pulumi;
using Pulumi.Aws.Ec2;
using Pulumi.Aws.Ec2.Inputs;
using Pulumi.Aws.Eks.Inputs;

namespace EksIpvs.Infra;

/// <summary>
/// One node group's EC2 launch template, mapped from the core's <see cref="NodeLaunchTemplate"/>. It names no AMI,
/// so EKS keeps choosing and merging (its NodeConfig into the MIME user data, its settings into Bottlerocket's
/// TOML), and pulumi-eks builds no template of its own: with one, it refuses EnableIMDSv2, NodeadmExtraOptions and
/// BottlerocketSettings, and passes amiType, version and releaseVersion through (pulumi/pulumi-eks v4.3.0
/// nodejs/eks/nodes/nodegroup.ts).
/// </summary>
internal static class NodeGroupLaunchTemplate
{
    public static LaunchTemplate Create(ClusterSpec spec, NodeGroupSpec group, CustomResourceOptions options)
    {
        var template = NodeLaunchTemplate.For(spec, group);
        var args = new LaunchTemplateArgs
        {
            NamePrefix = $"{spec.NodeGroupResourceName(group)}-",
            Description = $"Nodes of EKS managed node group {group.Name} in cluster {spec.ClusterName}",
            // Every change makes a new version; the node group follows the latest one, and so does the default.
            UpdateDefaultVersion = true,
            MetadataOptions = new LaunchTemplateMetadataOptionsArgs
            {
                HttpEndpoint = template.MetadataOptions.HttpEndpoint,
                HttpTokens = template.MetadataOptions.HttpTokens,
                HttpPutResponseHopLimit = template.MetadataOptions.HttpPutResponseHopLimit,
            },
            BlockDeviceMappings = template.BlockDeviceMappings.Select(ToBlockDeviceArgs).ToList(),
            TagSpecifications = template.TagSpecifications.Select(t => new LaunchTemplateTagSpecificationArgs
            {
                ResourceType = t.ResourceType,
                Tags = new Dictionary<string, string>(t.Tags),
            }).ToList(),
            Tags = spec.TagsNamed(spec.NodeGroupResourceName(group)),
        };
        if (template.UserDataBase64 is { } userData)
        {
            args.UserData = userData;
        }
        return new LaunchTemplate(group.Name, args, options);
    }

    /// <summary>The template as a managed node group takes it: its id and its latest version, as a string.</summary>
    public static NodeGroupLaunchTemplateArgs Reference(LaunchTemplate template) => new()
    {
        Id = template.Id,
        Version = template.LatestVersion.Apply(v => v.ToString(CultureInfo.InvariantCulture)),
    };

    private static LaunchTemplateBlockDeviceMappingArgs ToBlockDeviceArgs(BlockDevice device)
    {
        // EC2's launch-template EBS booleans are strings in the provider's schema.
        var ebs = new LaunchTemplateBlockDeviceMappingEbsArgs
        {
            VolumeType = device.Ebs.VolumeType,
            Encrypted = device.Ebs.Encrypted ? "true" : "false",
            DeleteOnTermination = device.Ebs.DeleteOnTermination ? "true" : "false",
        };
        if (device.Ebs.VolumeSize is { } size)
        {
            ebs.VolumeSize = size;
        }
        return new LaunchTemplateBlockDeviceMappingArgs { DeviceName = device.DeviceName, Ebs = ebs };
    }
}
