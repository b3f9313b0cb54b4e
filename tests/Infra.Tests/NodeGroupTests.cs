using System.Collections.Immutable;
using System.Text;
using EksIpvs.Core.Nodes;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>Each node group's launch template and what the (remote) ManagedNodeGroup component is handed. pulumi-eks
/// v4.3.0 refuses enableIMDSv2, nodeadmExtraOptions and bottlerocketSettings beside a launch template, EKS refuses
/// diskSize with one, and any of them would make pulumi-eks pin an AMI id: none may reach it.</summary>
public class NodeGroupTests
{
    private static readonly string[] RefusedWithALaunchTemplate =
        ["enableIMDSv2", "nodeadmExtraOptions", "bottlerocketSettings", "diskSize", "amiId", "userData", "kubeletExtraArgs", "bootstrapExtraArgs"];

    private static string Decoded(object base64) => Encoding.UTF8.GetString(Convert.FromBase64String((string)base64));

    [Fact]
    public async Task Al2023_groups_get_a_launch_template_of_their_own_without_an_ami()
    {
        var config = ("nodeGroups", """[{"name": "general", "diskSize": 80}, {"name": "batch", "instanceTypes": ["c6i.xlarge"], "taints": [{"key": "batch", "effect": "NoSchedule"}]}]""");
        var run = await With(config, ("tags", """{"team": "platform"}"""));
        var spec = SpecFor(config, ("tags", """{"team": "platform"}"""));
        foreach (var group in spec.NodeGroups)
        {
            var template = run.Single("aws:ec2/launchTemplate:LaunchTemplate", group.Name).Inputs;
            Assert.False(template.ContainsKey("imageId"));
            Assert.Equal(NodeBootstrap.For(spec, group).UserDataFile(), Decoded(template["userData"]));
            Assert.Equal(Json("""{"httpEndpoint":"enabled","httpPutResponseHopLimit":1,"httpTokens":"required"}"""), Json(template["metadataOptions"]));
            Assert.Equal(Json($$$"""[{"deviceName":"/dev/xvda","ebs":{"deleteOnTermination":"true","encrypted":"true","volumeSize":{{{group.DiskSize}}},"volumeType":"gp3"}}]"""),
                Json(template["blockDeviceMappings"]));
            var tags = $$"""{"Name":"eks-ipvs-test-{{group.Name}}","eks-ipvs:cluster":"eks-ipvs-test","team":"platform"}""";
            Assert.Equal(Json($$"""[{"resourceType":"instance","tags":{{tags}}},{"resourceType":"volume","tags":{{tags}}},{"resourceType":"network-interface","tags":{{tags}}}]"""),
                Json(template["tagSpecifications"]));
            Assert.Equal(true, template["updateDefaultVersion"]);

            var inputs = run.Single("eks:index:ManagedNodeGroup", group.Name).Inputs;
            Assert.Equal(Json($$"""{"id":"{{group.Name}}-id","version":"3"}"""), Json(inputs["launchTemplate"]));
            Assert.Equal(("AL2023_x86_64_STANDARD", "1.35"), (inputs["amiType"], inputs["version"]));
            Assert.False(inputs.ContainsKey("releaseVersion"));
            Assert.All(RefusedWithALaunchTemplate, key => Assert.False(inputs.ContainsKey(key), $"{key} was passed with a launch template"));
            Assert.False(inputs.ContainsKey("operatingSystem"));
            Assert.Equal($"{group.Name}-", inputs["nodeGroupNamePrefix"]);
            Assert.Equal(Json(new[] { "private-eu-west-1a-id", "private-eu-west-1b-id", "private-eu-west-1c-id" }), Json(inputs["subnetIds"]));
        }
        var batch = run.Single("eks:index:ManagedNodeGroup", "batch").Inputs;
        Assert.Equal(Json("""[{"effect":"NO_SCHEDULE","key":"batch"}]"""), Json(batch["taints"]));
        Assert.Equal(Json("""{"desiredSize":2,"maxSize":4,"minSize":2}"""), Json(batch["scalingConfig"]));
    }

    [Fact]
    public async Task The_dev_groups_user_data_is_the_golden_file_byte_for_byte()
    {
        var golden = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Core.Tests", "golden", "dev", "nodegroups", "general.userdata"));
        var devConfig = new (string, string)[]
        {
            ("availabilityZoneCount", "2"), ("natGateways", "single"),
            ("tags", """{"environment": "dev", "owner": "platform"}"""),
            ("nodeGroups", """[{"name": "general", "instanceTypes": ["t3.large"], "minSize": 2, "maxSize": 3, "labels": {"workload": "general"}}]"""),
        };
        var run = await With(devConfig);
        var template = run.Single("aws:ec2/launchTemplate:LaunchTemplate", "general").Inputs;
        Assert.Equal(golden, Decoded(template["userData"]));
    }

    [Fact]
    public async Task A_bottlerocket_group_gets_toml_an_encrypted_data_volume_and_hop_limit_two_when_asked()
    {
        var config = ("nodeGroups", """[{"name": "br", "operatingSystem": "Bottlerocket", "architecture": "arm64", "diskSize": 100, "imdsHopLimit": 2, "amiReleaseVersion": "1.47.0-6154605b"}]""");
        var run = await With(config);
        var spec = SpecFor(config);
        var template = run.Single("aws:ec2/launchTemplate:LaunchTemplate", "br").Inputs;
        Assert.Equal(NodeBootstrap.For(spec, spec.NodeGroups[0]).UserDataFile(), Decoded(template["userData"]));
        Assert.StartsWith("[settings", Decoded(template["userData"]));
        Assert.Equal(2.0, Map(template["metadataOptions"])["httpPutResponseHopLimit"]); // numbers come back as double
        Assert.Equal(Json("""
            [{"deviceName":"/dev/xvda","ebs":{"deleteOnTermination":"true","encrypted":"true","volumeType":"gp3"}},
             {"deviceName":"/dev/xvdb","ebs":{"deleteOnTermination":"true","encrypted":"true","volumeSize":100,"volumeType":"gp3"}}]
            """), Json(template["blockDeviceMappings"]));

        var inputs = run.Single("eks:index:ManagedNodeGroup", "br").Inputs;
        Assert.Equal(("BOTTLEROCKET_ARM_64", "1.35", "1.47.0-6154605b"), (inputs["amiType"], inputs["version"], inputs["releaseVersion"]));
        Assert.All(RefusedWithALaunchTemplate, key => Assert.False(inputs.ContainsKey(key), $"{key} was passed with a launch template"));
    }

    [Fact]
    public async Task A_group_without_user_data_gets_a_template_without_any()
    {
        var run = await With(("proxyMode", "iptables"), ("bandwidthPlugin", "false"));
        var template = run.Single("aws:ec2/launchTemplate:LaunchTemplate", "general").Inputs;
        Assert.False(template.ContainsKey("userData"));
        Assert.Equal("required", Map(template["metadataOptions"])["httpTokens"]);
    }
}
