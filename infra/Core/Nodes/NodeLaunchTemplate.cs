using System.Text.Json;
using System.Text.Json.Serialization;

namespace EksIpvs.Core.Nodes;

/// <summary>The instance metadata service: on, session tokens required (IMDSv2 only), and a hop limit of 1 unless
/// the group asks for 2, so pods cannot read the node role's credentials (terraform-aws-eks's default).</summary>
public sealed record MetadataOptions(
    [property: JsonPropertyName("HttpEndpoint")] string HttpEndpoint,
    [property: JsonPropertyName("HttpTokens")] string HttpTokens,
    [property: JsonPropertyName("HttpPutResponseHopLimit")] int HttpPutResponseHopLimit);

/// <summary>An EBS volume of the node. <see cref="VolumeSize"/> null keeps the AMI snapshot's size.</summary>
public sealed record EbsVolume(
    [property: JsonPropertyName("VolumeSize"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? VolumeSize,
    [property: JsonPropertyName("VolumeType")] string VolumeType,
    [property: JsonPropertyName("Encrypted")] bool Encrypted,
    [property: JsonPropertyName("DeleteOnTermination")] bool DeleteOnTermination);

public sealed record BlockDevice(
    [property: JsonPropertyName("DeviceName")] string DeviceName,
    [property: JsonPropertyName("Ebs")] EbsVolume Ebs);

public sealed record TagSpecification(
    [property: JsonPropertyName("ResourceType")] string ResourceType,
    [property: JsonPropertyName("Tags")] IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// The launch template of one node group, as this project owns it. It names no AMI: EKS picks the AMI from the
/// group's AMI type, Kubernetes version and release version, merges its NodeConfig (AL2023) or settings
/// (Bottlerocket) into <see cref="UserData"/>, and keeps managing the image, so a new AMI published by AWS rolls
/// nothing until the stack asks for it (EKS user guide, "Customize managed nodes with launch templates").
/// Field names are EC2's (LaunchTemplateData), so the rendered JSON reads like `aws ec2 describe-launch-template-versions`.
/// </summary>
public sealed record NodeLaunchTemplate
{
    /// <summary>EC2 device names of the EKS AMIs: AL2023 boots from /dev/xvda; Bottlerocket keeps its OS on
    /// /dev/xvda and images, containers and logs on the data volume /dev/xvdb (bottlerocket-os/bottlerocket, "Storage").</summary>
    public const string RootDevice = "/dev/xvda";
    public const string BottlerocketDataDevice = "/dev/xvdb";

    /// <summary>Instances, their volumes and network interfaces carry the stack's tags (terraform-aws-eks's default set).</summary>
    public static readonly IReadOnlyList<string> TaggedResourceTypes = ["instance", "volume", "network-interface"];

    /// <summary>The user data, decoded: the AL2023 MIME document or the Bottlerocket TOML; "" for none.</summary>
    public required string UserData { get; init; }

    public required MetadataOptions MetadataOptions { get; init; }

    /// <summary>gp3 and encrypted, with the account's default EBS key (no KmsKeyId): a key of the stack's own would
    /// need a key-policy grant for the Auto Scaling service-linked role, without which instances fail to launch.</summary>
    public required IReadOnlyList<BlockDevice> BlockDeviceMappings { get; init; }

    public required IReadOnlyList<TagSpecification> TagSpecifications { get; init; }

    public static NodeLaunchTemplate For(ClusterSpec cluster, NodeGroupSpec group)
    {
        var tags = cluster.TagsNamed(cluster.NodeGroupResourceName(group));
        var sortedTags = new SortedDictionary<string, string>(tags, StringComparer.Ordinal);
        var disk = new EbsVolume(group.DiskSize, "gp3", Encrypted: true, DeleteOnTermination: true);
        IReadOnlyList<BlockDevice> devices = group.OperatingSystem == NodeOperatingSystem.Bottlerocket
            ? [new BlockDevice(RootDevice, disk with { VolumeSize = null }), new BlockDevice(BottlerocketDataDevice, disk)]
            : [new BlockDevice(RootDevice, disk)];
        return new NodeLaunchTemplate
        {
            UserData = NodeBootstrap.For(cluster, group).UserDataFile(),
            MetadataOptions = new MetadataOptions("enabled", "required", group.ImdsHopLimit),
            BlockDeviceMappings = devices,
            TagSpecifications = TaggedResourceTypes.Select(t => new TagSpecification(t, sortedTags)).ToList(),
        };
    }

    /// <summary>The user data as the launch template takes it: base64 of the bytes above; null for none.</summary>
    public string? UserDataBase64 =>
        UserData.Length == 0 ? null : Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(UserData));

    /// <summary>Everything but the user data (rendered beside it as its own file), as JSON.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new { MetadataOptions, BlockDeviceMappings, TagSpecifications }, SpecJson.Indented) + "\n";
}
