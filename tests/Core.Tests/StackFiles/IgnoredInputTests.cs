using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Tests;

/// <summary>Input Pulumi would silently ignore is named: keys outside config:, keys under a namespace nobody
/// reads, and a stack without aws:region.</summary>
public sealed class IgnoredInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-ignored").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SpecResult Check(string stackYaml)
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: eks-ipvs\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.s.yaml"), stackYaml);
        return StackCheck.Validate(StackFile.Read(_dir, "s"), StackFileTests.Today);
    }

    private static List<string> Texts(IEnumerable<ConfigIssue> issues) => issues.Select(i => i.ToString()).ToList();

    [Fact]
    public void Keys_above_config_are_named_with_where_they_belong()
    {
        var result = Check("proxyMode: iptables\neks-ipvs:vpcCidr: 10.1.0.0/16\nconfig:\n  aws:region: eu-west-1\n");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(
        [
            "proxyMode (top level) = \"iptables\": at the top level of the stack file, outside config:, so Pulumi ignores it (" + TopLevelKeys.DecidedBy +
            "); advice: move it under config:, e.g. `config:` then `  eks-ipvs:proxyMode: ...` on the next line",
            "eks-ipvs:vpcCidr (top level) = \"10.1.0.0/16\": at the top level of the stack file, outside config:, so Pulumi ignores it (" + TopLevelKeys.DecidedBy +
            "); advice: move it under config:, e.g. `config:` then `  eks-ipvs:vpcCidr: ...` on the next line",
        ], Texts(Stacks.OtherWarnings(result)));
        Assert.Equal(SpecValidator.Validate(Stacks.Config(), StackFileTests.Today).Spec!.ProxyMode, result.Spec!.ProxyMode); // the default, as Pulumi would
    }

    [Fact]
    public void A_capitalised_config_is_named_as_the_config_it_was_meant_to_be()
    {
        var result = Check("Config:\n  eks-ipvs:proxyMode: iptables\n");
        Assert.Equal(
            "Config (top level) = {\"eks-ipvs:proxyMode\":\"iptables\"}: at the top level of the stack file, outside config:, so Pulumi ignores it (" +
            TopLevelKeys.DecidedBy + "); advice: config, spelt exactly so (Pulumi reads only secretsprovider, encryptedkey, encryptionsalt, config, environment at the top level)",
            Assert.Single(Stacks.OtherWarnings(result)).ToString());
    }

    [Fact]
    public void An_anchored_block_kept_above_config_for_merging_is_not_taken_for_a_misplaced_key()
    {
        var result = Check("base: &base\n  minSize: 2\nconfig:\n  eks-ipvs:nodeGroups:\n    - <<: *base\n      name: app\n");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(Stacks.OtherWarnings(result));
        Assert.Equal(2, Assert.Single(result.Spec!.NodeGroups).MinSize);
    }

    [Fact]
    public void A_misspelt_top_level_key_of_pulumis_is_named_as_the_one_meant()
    {
        var warnings = Stacks.OtherWarnings(Check("secretsProvider: passphrase\nenvironments: [team/dev]\nconfig: {}\n"));
        Assert.Equal(["secretsProvider (top level)", "environments (top level)"], warnings.Select(w => w.Key));
        Assert.EndsWith("advice: secretsprovider, spelt exactly so (Pulumi reads only secretsprovider, encryptedkey, encryptionsalt, config, environment at the top level)",
            warnings[0].ToString());
        Assert.EndsWith("advice: environment, spelt exactly so (Pulumi reads only secretsprovider, encryptedkey, encryptionsalt, config, environment at the top level)",
            warnings[1].ToString());
    }

    [Fact]
    public void Pulumis_own_top_level_keys_pass_without_a_word()
    {
        var result = Check("secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\nenvironment: [team/dev]\nconfig:\n  aws:region: eu-west-1\n");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(Stacks.OtherWarnings(result));
    }

    [Theory]
    [InlineData("eks_ipvs:proxyMode", "eks-ipvs:proxyMode", "this program reads eks-ipvs: keys only", ", or proxyMode alone under config:")]
    [InlineData("eksipvs:proxyMode", "eks-ipvs:proxyMode", "this program reads eks-ipvs: keys only", ", or proxyMode alone under config:")]
    [InlineData("EKS-IPVS:proxyMode", "eks-ipvs:proxyMode", "this program reads eks-ipvs: keys only", ", or proxyMode alone under config:")]
    [InlineData("aws-:region", "aws:region", "the AWS provider reads aws: keys only", "")]
    [InlineData("AWS:region", "aws:region", "the AWS provider reads aws: keys only", "")]
    [InlineData("asw:region", "aws:region", "the AWS provider reads aws: keys only", "")]
    public void A_namespace_one_or_two_edits_from_the_projects_or_aws_is_an_error_naming_the_one_meant(string key, string meant, string owner, string alone)
    {
        var ns = key[..key.IndexOf(':')];
        var result = Check($"config:\n  {key}: iptables\n");
        Assert.Equal(
            $"{key} = \"iptables\": namespace '{ns}' is no package's, so nobody reads this key ({owner}) and pulumi up would ignore it; " +
            $"did you mean {meant}?; allowed: {meant}{alone}",
            Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("awsx:vpc")]
    [InlineData("eks:anything")]
    [InlineData("kubernetes:context")]
    [InlineData("tls:x")]
    [InlineData("datadog:apiKey")]
    public void Real_packages_and_far_namespaces_are_left_to_their_owners(string key)
    {
        Assert.True(Check($"config:\n  {key}: v\n").IsValid);
    }

    [Fact]
    public void Pulumi_up_refuses_a_lookalike_namespace_too_from_the_config_the_program_receives()
    {
        // What the language host passes the program (PULUMI_CONFIG), as StackSpec reads it in pulumi up.
        var others = PulumiConfigEnvironment.OthersIn(
            """{"eks-ipvs:vpcCidr":"10.0.0.0/16","eks_ipvs:proxyMode":"iptables","aws:region":"eu-west-1","aws:secretKey":"s3cr3t"}""",
            """["aws:secretKey"]""", "eks-ipvs");
        Assert.Equal(new Dictionary<string, string>
        {
            ["aws:region"] = "eu-west-1",
            ["aws:secretKey"] = StackConfig.SecretValue, // never in a message
            ["eks_ipvs:proxyMode"] = "iptables",
        }, others);
        var result = SpecValidator.Validate(Stacks.Config() with { Others = others }, StackFileTests.Today);
        Assert.StartsWith("eks_ipvs:proxyMode = \"iptables\": namespace 'eks_ipvs' is no package's", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Without_aws_region_the_summary_says_where_the_region_comes_from()
    {
        var spec = Stacks.Valid();
        Assert.Contains(
            "Region: not in the stack file (no aws:region); pulumi up takes it from AWS_REGION (or AWS_DEFAULT_REGION) or the AWS profile " +
            "of the shell that runs it, and principals are checked against its partition only then\n",
            Cli.Summary.Of(spec, [], null, region: null));
        Assert.Contains("Region: cn-north-1 (aws:region), partition aws-cn\n", Cli.Summary.Of(spec, [], null, region: "cn-north-1"));
        Assert.Contains("Region: aws:region is a secret, decrypted only by pulumi up, which checks principals against its partition\n",
            Cli.Summary.Of(spec, [], null, region: StackConfig.SecretValue));
    }

    [Fact]
    public void An_empty_stack_file_renders_with_the_region_note()
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: eks-ipvs\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(_dir, "Pulumi.empty.yaml"), "");
        var (code, stdout, _) = CliTests.Run(_dir, "render", "--stack", "empty");
        Assert.Equal(0, code);
        Assert.Contains("Region: not in the stack file (no aws:region)", stdout);
    }
}
