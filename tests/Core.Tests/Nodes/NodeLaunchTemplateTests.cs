using System.Text.Json;
using EksIpvs.Core.Nodes;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>What EC2 receives for a node group: user data inside its limit, the launch template's settings, and the
/// node-group rules that would otherwise fail only at `pulumi up`.</summary>
public class NodeLaunchTemplateTests
{
    private static string GroupError(string groupJson) => SingleError(("nodeGroups", $"[{groupJson}]"));

    private static string Json(string text) => JsonSerializer.Serialize(text);

    /// <summary>An extraUserData script of exactly <paramref name="bytes"/> bytes (the trailing newline included).</summary>
    private static string ScriptOf(int bytes) => "#!/bin/bash\n" + new string('x', bytes - "#!/bin/bash\n".Length - 1) + "\n";

    private static NodeGroupSpec Group(ClusterSpec spec) => spec.NodeGroups.Single();

    [Fact]
    public void The_budget_is_ec2s_limit_less_room_for_eks()
    {
        Assert.Equal(16_384, UserDataBudget.Ec2Limit);
        Assert.Equal(14_000, UserDataBudget.Limit);
    }

    [Fact]
    public void Everything_this_project_adds_leaves_room_for_extra_user_data()
    {
        // The most the project itself ever puts on a node: IPVS modules, ipvsadm and the bandwidth guard.
        var spec = Valid(("proxyMode", "ipvs"), ("bandwidthPlugin", "true"));
        var bytes = NodeBootstrap.For(spec, Group(spec)).UserDataBytes;
        Assert.InRange(bytes, 1, 6_000);
        Assert.True(UserDataBudget.LimitFor(Group(spec)) - bytes >= 8_000);
    }

    [Fact]
    public void The_dev_groups_user_data_is_at_most_6000_bytes_leaving_8000_for_extra_user_data()
    {
        // The dev stack's render (CliTests proves the golden is it), as EC2 receives it.
        var bytes = UserDataBudget.Bytes(File.ReadAllText(Repo.Path("tests", "Core.Tests", "golden", "dev", "nodegroups", "general.userdata")));
        Assert.InRange(bytes, 1, 6_000);
        Assert.InRange(UserDataBudget.Limit - bytes, 8_000, UserDataBudget.Limit);
    }

    [Fact]
    public void The_largest_stack_a_user_can_write_fits_ec2s_limit()
    {
        // Every feature on, 20 labels and 10 taints, and extraUserData grown to the last byte the validator allows:
        // what EC2 then receives, with EKS's share, is within 16,384 bytes.
        var labels = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"\"example.com/label-{i:D2}\": \"{new string('v', 20)}\""));
        var taints = string.Join(", ", Enumerable.Range(0, 10).Select(i => $$"""{"key": "example.com/taint-{{i:D2}}", "value": "{{new string('v', 40)}}", "effect": "NoSchedule"}"""));
        string GroupWith(int extraBytes) =>
            $$"""[{"name": "{{new string('g', 36)}}", "labels": {{{labels}}}, "taints": [{{taints}}], "extraUserData": {{Json(ScriptOf(extraBytes))}}}]""";

        var probe = Valid(("nodeGroups", GroupWith(100)));
        var limit = UserDataBudget.LimitFor(Group(probe));
        var room = limit - NodeBootstrap.For(probe, Group(probe)).UserDataBytes;
        Assert.True(room > 0, $"no room left for extraUserData: {room}");

        var largest = Valid(("nodeGroups", GroupWith(100 + room)));
        var bytes = NodeBootstrap.For(largest, Group(largest)).UserDataBytes;
        Assert.Equal(limit, bytes);
        Assert.True(bytes + UserDataBudget.EksReserve + UserDataBudget.LabelsAndTaints(Group(largest)) <= UserDataBudget.Ec2Limit);

        var error = Assert.Single(Validate(("nodeGroups", GroupWith(101 + room))).Errors).ToString();
        Assert.StartsWith($"eks-ipvs:nodeGroups[0].extraUserData = \"{new string('g', 36)}\": node group {new string('g', 36)}: user data of {limit + 1:N0} bytes", error);
    }

    [Fact]
    public void Oversized_extra_user_data_names_the_group_its_size_and_the_limit()
    {
        // The project's own ~5.8 KB plus 9,000 bytes of script and its MIME framing: over 14,000.
        var error = GroupError($$"""{"name": "batch", "extraUserData": {{Json(ScriptOf(9_000))}}}""");
        Assert.Matches(
            @"^eks-ipvs:nodeGroups\[0\]\.extraUserData = ""batch"": node group batch: user data of 14,[0-9]{3} bytes, extraUserData 9,000 of them is over its limit of 14,000 bytes; " +
            @"allowed: at most 14,000 bytes: EC2 takes 16,384, less 2,384 for the NodeConfig EKS merges in; shorten extraUserData \(or fetch a longer script from S3 in it\)$",
            error);
    }

    [Fact]
    public void Labels_and_taints_shrink_the_budget_by_what_eks_adds_for_them()
    {
        var group = Group(Valid(("nodeGroups", """[{"name": "a", "labels": {"team": "web"}, "taints": [{"key": "dedicated", "value": "web", "effect": "NoSchedule"}]}]""")));
        Assert.Equal("team=web,".Length + "dedicated=web:NoSchedule,".Length, UserDataBudget.LabelsAndTaints(group));
        Assert.Equal(14_000 - 34, UserDataBudget.LimitFor(group));
    }

    [Theory]
    [InlineData(36, true)]
    [InlineData(37, false)]
    public void Node_group_names_leave_room_for_the_unique_suffix(int length, bool valid)
    {
        var name = new string('n', length);
        var result = Validate(("nodeGroups", $$"""[{"name": "{{name}}"}]"""));
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Equal($"eks-ipvs:nodeGroups[0].name = \"{name}\": 37 characters, too long for a node group name prefix; " +
                         "allowed: at most 36 characters (node_group_name_prefix takes 37 with the dash, terraform-provider-aws)",
                Assert.Single(result.Errors).ToString());
        }
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/worker")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("kubernetes.io/role")]
    [InlineData("k8s.io/team")]
    [InlineData("sigs.k8s.io/owner")]
    public void Labels_kubelet_refuses_are_errors(string key)
    {
        var error = GroupError($$$"""{"name": "a", "labels": {"{{{key}}}": "x"}}""");
        Assert.Equal($"eks-ipvs:nodeGroups[0].labels[\"{key}\"] = \"x\": EKS hands node-group labels to kubelet, which refuses this key and never starts; " +
                     $"allowed: {Labels.KubeletRule}", error);
        Assert.Contains("kubelet.kubernetes.io/ or node.kubernetes.io/", error);
    }

    [Theory]
    [InlineData("node.kubernetes.io/pool")]
    [InlineData("team.node.kubernetes.io/x")]
    [InlineData("kubelet.kubernetes.io/x")]
    [InlineData("topology.kubernetes.io/zone")]
    [InlineData("kubernetes.io/arch")]
    [InlineData("example.com/role")]
    [InlineData("workload")]
    [InlineData("notkubernetes.io/x")]
    public void Labels_kubelet_may_set_are_accepted(string key) =>
        Assert.True(Validate(("nodeGroups", $$$"""[{"name": "a", "labels": {"{{{key}}}": "x"}}]""")).IsValid);

    [Fact]
    public void Ami_release_versions_are_checked_per_os_and_against_the_cluster_version()
    {
        Assert.Equal("1.35.2-20251112", Group(Valid(("nodeGroups", """[{"name": "a", "amiReleaseVersion": "1.35.2-20251112"}]"""))).AmiReleaseVersion);
        Assert.Equal("1.47.0-6154605b", Group(Valid(("nodeGroups", """[{"name": "a", "operatingSystem": "Bottlerocket", "amiReleaseVersion": "1.47.0-6154605b"}]"""))).AmiReleaseVersion);
        Assert.Null(Group(Valid()).AmiReleaseVersion);

        Assert.Equal($"eks-ipvs:nodeGroups[0].amiReleaseVersion = \"v20251112\": not an EKS AL2023 AMI release version; allowed: {AmiReleaseVersions.Format(NodeOperatingSystem.AL2023)}",
            GroupError("""{"name": "a", "amiReleaseVersion": "v20251112"}"""));
        Assert.Equal($"eks-ipvs:nodeGroups[0].amiReleaseVersion = \"1.47.0\": not an EKS Bottlerocket AMI release version; allowed: {AmiReleaseVersions.Format(NodeOperatingSystem.Bottlerocket)}",
            GroupError("""{"name": "a", "operatingSystem": "Bottlerocket", "amiReleaseVersion": "1.47.0"}"""));
        Assert.Equal("eks-ipvs:nodeGroups[0].amiReleaseVersion = \"1.33.5-20251112\": an AMI release for Kubernetes 1.33, but the cluster runs 1.34; " +
                     "allowed: a release of 1.34, e.g. 1.34.x-<yyyymmdd>, or no amiReleaseVersion (EKS's latest)",
            SingleError(("kubernetesVersion", "1.34"), ("nodeGroups", """[{"name": "a", "amiReleaseVersion": "1.33.5-20251112"}]""")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    public void Imds_hop_limit_is_one_or_two(string value) =>
        Assert.Equal($"eks-ipvs:nodeGroups[0].imdsHopLimit = {value}: out of range; allowed: 1 (only the node reaches instance metadata) or 2 (pods too, e.g. for tools that read the node role)",
            GroupError($$"""{"name": "a", "imdsHopLimit": {{value}}}"""));

    [Fact]
    public void Al2023_template_requires_imdsv2_with_hop_limit_one_and_an_encrypted_gp3_root()
    {
        var spec = Valid(("tags", """{"team": "platform"}"""), ("nodeGroups", """[{"name": "web", "diskSize": 80}]"""));
        var template = NodeLaunchTemplate.For(spec, Group(spec));
        Assert.Equal(new MetadataOptions("enabled", "required", 1), template.MetadataOptions);
        var root = Assert.Single(template.BlockDeviceMappings);
        Assert.Equal(new BlockDevice("/dev/xvda", new EbsVolume(80, "gp3", Encrypted: true, DeleteOnTermination: true)), root);
        Assert.Equal(["instance", "volume", "network-interface"], template.TagSpecifications.Select(t => t.ResourceType));
        Assert.All(template.TagSpecifications, t => Assert.Equal(
            new Dictionary<string, string> { ["Name"] = "eks-ipvs-test-web", ["eks-ipvs:cluster"] = "eks-ipvs-test", ["team"] = "platform" }, t.Tags));
        Assert.Equal(NodeBootstrap.For(spec, Group(spec)).UserDataFile(), template.UserData);
        Assert.Equal(template.UserData, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(template.UserDataBase64!)));
        Assert.DoesNotContain("ImageId", template.ToJson());
    }

    [Fact]
    public void Bottlerocket_template_encrypts_the_os_volume_and_sizes_the_data_volume()
    {
        var spec = Valid(("nodeGroups", """[{"name": "br", "operatingSystem": "Bottlerocket", "diskSize": 100, "imdsHopLimit": 2}]"""));
        var template = NodeLaunchTemplate.For(spec, Group(spec));
        Assert.Equal(2, template.MetadataOptions.HttpPutResponseHopLimit);
        Assert.Equal([
            new BlockDevice("/dev/xvda", new EbsVolume(null, "gp3", true, true)),
            new BlockDevice("/dev/xvdb", new EbsVolume(100, "gp3", true, true)),
        ], template.BlockDeviceMappings);
        Assert.StartsWith("[settings", template.UserData);
        Golden.Matches("launch-template/bottlerocket.json", template.ToJson());
    }

    [Fact]
    public void No_user_data_means_none_in_the_template()
    {
        var spec = Valid(("proxyMode", "iptables"), ("bandwidthPlugin", "false"));
        var template = NodeLaunchTemplate.For(spec, Group(spec));
        Assert.Equal("", template.UserData);
        Assert.Null(template.UserDataBase64);
    }

    [Fact]
    public void Bottlerocket_toml_parses_back_to_the_settings()
    {
        var spec = Valid(("nodeGroups", """[{"name": "br", "operatingSystem": "Bottlerocket"}]"""));
        var toml = NodeBootstrap.For(spec, Group(spec)).UserDataFile();
        var table = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(toml)!;
        var modules = (Tomlyn.Model.TomlTable)((Tomlyn.Model.TomlTable)((Tomlyn.Model.TomlTable)table["settings"])["kernel"])["modules"];
        Assert.Equal(NodeBootstrap.IpvsModules.Order(StringComparer.Ordinal), modules.Keys.Order(StringComparer.Ordinal));
        Assert.All(modules.Values, m => Assert.Equal((true, true),
            ((bool)((Tomlyn.Model.TomlTable)m)["allowed"], (bool)((Tomlyn.Model.TomlTable)m)["autoload"])));
    }

    [Fact]
    public void Compact_scripts_keep_every_line_of_code_and_drop_only_comments_and_blanks()
    {
        foreach (var name in NodeScripts.Names)
        {
            var code = NodeScripts.Read(name).Split('\n')
                .Where((line, i) => line.Trim().Length > 0 && (!line.TrimStart().StartsWith('#') || (i == 0 && line.StartsWith("#!", StringComparison.Ordinal))))
                .Where(line => name.EndsWith(".sh", StringComparison.Ordinal) || !line.TrimStart().StartsWith(';'));
            var compact = NodeScripts.Compact(name);
            Assert.Equal(string.Join('\n', code) + "\n", compact);
            Assert.True(compact.Length < NodeScripts.Read(name).Length, $"{name} did not get smaller");
        }
    }
}
