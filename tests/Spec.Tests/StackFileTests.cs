namespace EksIpvs.Spec.Tests;

/// <summary>The offline tool must see a stack file exactly as Pulumi hands it to the program.</summary>
public class StackFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-stackfile").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private StackConfig Load(string stackYaml)
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: demo\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.s.yaml"), stackYaml);
        return StackFile.Load(_dir, "s");
    }

    [Fact]
    public void Scalars_stay_text_structures_become_json_and_other_namespaces_are_left_out()
    {
        var config = Load("""
            config:
              aws:region: eu-west-1
              demo:availabilityZoneCount: 2
              demo:bandwidthPlugin: true
              demo:kubernetesVersion: "1.34"
              demo:endpointPublicAccessCidrs: [203.0.113.0/24]
              demo:tags:
                team: platform
                cost: "42"
              demo:nodeGroups:
                - name: general
                  minSize: 1
                  instanceTypes: [m6i.large]
                  labels: {gpu: "false"}
            """);
        Assert.Equal("demo", config.Project);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["availabilityZoneCount"] = "2",
                ["bandwidthPlugin"] = "true",
                ["endpointPublicAccessCidrs"] = "[\"203.0.113.0/24\"]",
                ["kubernetesVersion"] = "1.34",
                ["nodeGroups"] = "[{\"name\":\"general\",\"minSize\":1,\"instanceTypes\":[\"m6i.large\"],\"labels\":{\"gpu\":\"false\"}}]",
                ["tags"] = "{\"team\":\"platform\",\"cost\":\"42\"}",
            },
            config.Values);
    }

    [Fact]
    public void A_plain_yaml_boolean_in_a_label_reaches_validation_as_a_boolean()
    {
        var config = Load("config:\n  demo:nodeGroups:\n    - name: a\n      labels: {gpu: true}\n");
        Assert.Equal("demo:nodeGroups[0].labels[\"gpu\"] = true: not a string; allowed: a string value; quote it in YAML, e.g. \"true\"",
            Assert.Single(SpecValidator.Validate(config).Errors).ToString());
    }

    [Fact]
    public void A_stack_without_config_gets_every_default() =>
        Assert.Empty(Load("encryptionsalt: v1:abc\n").Values);

    [Fact]
    public void A_missing_stack_file_says_how_to_make_one()
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: demo\nruntime: dotnet\n");
        var error = Assert.Throws<StackFileException>(() => StackFile.Load(_dir, "prod"));
        Assert.Equal($"{Path.Combine(_dir, "Pulumi.prod.yaml")} not found: create it with `pulumi stack init prod` or copy Pulumi.dev.yaml", error.Message);
    }

    [Fact]
    public void Broken_yaml_names_the_file_and_line()
    {
        var error = Assert.Throws<StackFileException>(() => Load("config:\n  demo:tags: {a: b\n"));
        Assert.StartsWith($"{Path.Combine(_dir, "Pulumi.s.yaml")}:", error.Message);
    }

    [Fact]
    public void Pulumi_config_environment_lists_the_projects_keys_only()
    {
        var keys = PulumiConfigEnvironment.KeysIn("""{"demo:vpcCidr":"10.0.0.0/16","demo:config:schedular":"rr","aws:region":"eu-west-1"}""", "demo");
        Assert.Equal(["schedular", "vpcCidr"], keys);
        Assert.Empty(PulumiConfigEnvironment.KeysIn(null, "demo"));
    }
}
