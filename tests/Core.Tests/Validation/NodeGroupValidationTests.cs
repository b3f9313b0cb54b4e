using EksIpvs.Core.Validation;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The node group rules, each with the exact message.</summary>
public class NodeGroupValidationTests
{
    private static string GroupError(string groupJson) => SingleError(("nodeGroups", $"[{groupJson}]"));

    [Fact]
    public void A_full_group_is_read_field_by_field()
    {
        var group = Assert.Single(Valid(("nodeGroups", """
            [{"name": "ingress", "instanceTypes": ["c7g.large", "c6g.large"], "capacityType": "SPOT",
              "minSize": 1, "desiredSize": 3, "maxSize": 6, "diskSize": 80, "architecture": "arm64",
              "labels": {"node.example.com/role": "ingress"},
              "taints": [{"key": "dedicated", "value": "ingress", "effect": "NoSchedule"}, {"key": "spot", "effect": "PreferNoSchedule"}]}]
            """)).NodeGroups);
        Assert.Equal(["c7g.large", "c6g.large"], group.InstanceTypes);
        Assert.Equal(("SPOT", 1, 3, 6, 80), (group.CapacityType, group.MinSize, group.DesiredSize, group.MaxSize, group.DiskSize));
        Assert.Equal("AL2023_ARM_64_STANDARD", group.AmiType);
        Assert.Equal("ingress", group.Labels["node.example.com/role"]);
        Assert.Equal([new NodeTaint("dedicated", "ingress", "NoSchedule"), new NodeTaint("spot", null, "PreferNoSchedule")], group.Taints);
        Assert.Equal(["NO_SCHEDULE", "PREFER_NO_SCHEDULE"], group.Taints.Select(t => t.EksEffect));
    }

    [Fact]
    public void Sizes_default_around_what_is_given()
    {
        var group = Assert.Single(Valid(("nodeGroups", """[{"name": "a", "desiredSize": 6}]""")).NodeGroups);
        Assert.Equal((2, 6, 6), (group.MinSize, group.DesiredSize, group.MaxSize));
        Assert.Equal("m7g.large", Assert.Single(Valid(("nodeGroups", """[{"name": "a", "architecture": "arm64"}]""")).NodeGroups).InstanceTypes.Single());
        Assert.Equal("BOTTLEROCKET_x86_64", Assert.Single(Valid(("nodeGroups", """[{"name": "a", "operatingSystem": "Bottlerocket"}]""")).NodeGroups).AmiType);
    }

    [Fact]
    public void Min_larger_than_desired() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].minSize = 3: larger than desiredSize (2); allowed: minSize <= desiredSize <= maxSize",
            GroupError("""{"name": "a", "minSize": 3, "desiredSize": 2, "maxSize": 4}"""));

    [Fact]
    public void Desired_larger_than_max() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].desiredSize = 5: larger than maxSize (4); allowed: minSize <= desiredSize <= maxSize",
            GroupError("""{"name": "a", "desiredSize": 5, "maxSize": 4}"""));

    [Fact]
    public void Negative_size() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].minSize = -1: negative; allowed: 0 or more",
            GroupError("""{"name": "a", "minSize": -1, "desiredSize": 0, "maxSize": 2}"""));

    [Fact]
    public void Max_of_zero() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].maxSize = 0: EKS needs room for at least one node; allowed: 1 or more",
            GroupError("""{"name": "a", "minSize": 0, "desiredSize": 0, "maxSize": 0}"""));

    [Fact]
    public void Size_not_an_integer() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].maxSize = \"many\": not an integer; allowed: a whole number",
            GroupError("""{"name": "a", "maxSize": "many"}"""));

    [Fact]
    public void Duplicate_names_ignoring_case() =>
        Assert.Equal("eks-ipvs:nodeGroups[1].name = \"General\": the same name as nodeGroups[0] (names are compared ignoring case); allowed: a name used once in the stack",
            SingleError(("nodeGroups", """[{"name": "general"}, {"name": "General"}]""")));

    [Theory]
    [InlineData("my group")]
    [InlineData("-system")]
    [InlineData("name.with.dots")]
    public void Invalid_name(string name) =>
        Assert.Equal($"eks-ipvs:nodeGroups[0].name = \"{name}\": not a valid node group name; allowed: letters, digits, - and _, starting with a letter or digit",
            GroupError($$"""{"name": "{{name}}"}"""));

    [Fact]
    public void Missing_name() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].name: missing; allowed: a name of 1-36 letters, digits, - and _",
            GroupError("""{"minSize": 1}"""));

    [Fact]
    public void Empty_instance_types() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].instanceTypes = []: empty; allowed: 1 to 20 EC2 instance types, e.g. [\"m6i.large\"]",
            GroupError("""{"name": "a", "instanceTypes": []}"""));

    [Fact]
    public void Malformed_instance_type() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].instanceTypes = [\"m6i-large\"]: 'm6i-large' is not an EC2 instance type; allowed: family.size, e.g. m6i.large or c7g.2xlarge",
            GroupError("""{"name": "a", "instanceTypes": ["m6i-large"]}"""));

    [Fact]
    public void Empty_node_group_list() =>
        Assert.Equal("eks-ipvs:nodeGroups = []: empty: the cluster would have no nodes for kube-proxy, CoreDNS or workloads; allowed: at least one node group",
            SingleError(("nodeGroups", "[]")));

    [Fact]
    public void Node_groups_not_a_list() =>
        Assert.Equal("eks-ipvs:nodeGroups = {\"name\":\"a\"}: not a list; allowed: a list of node groups, e.g. [{\"name\": \"general\"}]",
            SingleError(("nodeGroups", """{"name": "a"}""")));

    [Fact]
    public void Unknown_capacity_type() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].capacityType = \"spot\": not one of the choices; allowed: ON_DEMAND, SPOT",
            GroupError("""{"name": "a", "capacityType": "spot"}"""));

    [Fact]
    public void Disk_too_small() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].diskSize = 8: out of range; allowed: 20 to 16384 (GiB)",
            GroupError("""{"name": "a", "diskSize": 8}"""));

    [Fact]
    public void Invalid_label_key() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].labels[\"bad key!\"] = \"x\": invalid label key; allowed: [prefix/]name: name 1-63 letters, digits, '-', '_' or '.', " +
                     "starting and ending with a letter or digit; prefix a DNS subdomain of at most 253 characters",
            GroupError("""{"name": "a", "labels": {"bad key!": "x"}}"""));

    [Fact]
    public void Invalid_label_value() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].labels[\"tier\"] = \"-front\": invalid label value; allowed: empty, or 1-63 letters, digits, '-', '_' or '.', " +
                     "starting and ending with a letter or digit",
            GroupError("""{"name": "a", "labels": {"tier": "-front"}}"""));

    [Fact]
    public void Label_value_not_a_string() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].labels[\"gpu\"] = true: not a string; allowed: a string value; quote it in YAML, e.g. \"true\"",
            GroupError("""{"name": "a", "labels": {"gpu": true}}"""));

    [Fact]
    public void Invalid_taint_effect() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].taints[0].effect = \"NO_SCHEDULE\": not one of the choices; allowed: NoSchedule, PreferNoSchedule, NoExecute",
            GroupError("""{"name": "a", "taints": [{"key": "k", "effect": "NO_SCHEDULE"}]}"""));

    [Fact]
    public void Invalid_taint_key() =>
        Assert.StartsWith("eks-ipvs:nodeGroups[0].taints[0].key = \"a b\": invalid taint key; allowed: [prefix/]name",
            GroupError("""{"name": "a", "taints": [{"key": "a b", "effect": "NoSchedule"}]}"""));

    [Fact]
    public void Unknown_group_field_with_hint() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].instanceType = \"m6i.large\": unknown key; did you mean instanceTypes?; allowed: " +
                     string.Join(", ", ConfigKeys.NodeGroupFields.Select(f => f.Name)),
            GroupError("""{"name": "a", "instanceType": "m6i.large"}"""));

    [Fact]
    public void Bottlerocket_cannot_run_extra_user_data() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].extraUserData = \"#!/bin/bash\\necho hi\\n\": Bottlerocket runs no shell user data (it takes TOML settings only); " +
                     "allowed: remove extraUserData, or use operatingSystem AL2023",
            GroupError("""{"name": "a", "operatingSystem": "Bottlerocket", "extraUserData": "#!/bin/bash\necho hi\n"}"""));

    [Fact]
    public void Extra_user_data_needs_an_interpreter_line() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].extraUserData = \"echo hi\": cloud-init runs a shell part only if it starts with an interpreter line; " +
                     "allowed: a script starting with #!/bin/bash",
            GroupError("""{"name": "a", "extraUserData": "echo hi"}"""));

    [Fact]
    public void Unknown_operating_system() =>
        Assert.Equal("eks-ipvs:nodeGroups[0].operatingSystem = \"AL2\": not one of the choices; allowed: AL2023, Bottlerocket",
            GroupError("""{"name": "a", "operatingSystem": "AL2"}"""));

    [Fact]
    public void Spot_with_one_instance_type_is_a_warning()
    {
        var result = Validate(("nodeGroups", """[{"name": "a", "capacityType": "SPOT", "instanceTypes": ["m6i.large"]}]"""));
        Assert.True(result.IsValid);
        Assert.Equal("eks-ipvs:nodeGroups[0].instanceTypes = [\"m6i.large\"]: a SPOT group with one instance type loses all its nodes when that type's spot capacity runs out; " +
                     "advice: list several interchangeable types, e.g. [\"m6i.large\", \"m6a.large\", \"m5.large\"]",
            Assert.Single(OtherWarnings(result)).ToString());
    }

    [Fact]
    public void Errors_in_several_groups_are_all_reported()
    {
        var errors = Validate(("nodeGroups", """[{"name": "a", "minSize": 9, "maxSize": 3}, {"name": "b b"}, {"name": "c", "diskSize": 1}]""")).Errors;
        Assert.Equal(["eks-ipvs:nodeGroups[0].minSize", "eks-ipvs:nodeGroups[1].name", "eks-ipvs:nodeGroups[2].diskSize"], errors.Select(e => e.Key));
    }
}
