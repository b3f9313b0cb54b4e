using EksIpvs.Core.Fleet;
using EksIpvs.Core.StackFiles;
using YamlDotNet.RepresentationModel;

namespace EksIpvs.Core.Tests;

/// <summary>stacks.yaml: every rule, with its exact message, and all errors reported in one pass.</summary>
public class RolloutTests
{
    private const string Accounts = """
        accounts:
          "111122223333":
            deployRole: arn:aws:iam::111122223333:role/deploy
          "444455556666":
            deployRole: arn:aws:iam::444455556666:role/deploy
            previewRole: arn:aws:iam::444455556666:role/ci/preview
        """;

    /// <summary>dev, staging and prod waves over two accounts; FleetTests renders a project with it too.</summary>
    internal const string ThreeWaves = """
        waves:
          - name: dev
            stacks: [dev, dev-*]
            account: "111122223333"
            environment: dev
            maxParallel: 4
          - name: staging
            stacks: [staging-*]
            account: "111122223333"
            environment: staging
          - name: prod
            stacks: [prod-*]
            account: "444455556666"
            environment: production
            maxParallel: 2

        """ + Accounts;

    private static readonly string[] FleetStacks = ["dev", "dev-eu", "prod-eu", "prod-us", "staging-a"];

    private static RolloutResult Validate(string yaml, params string[] stacks)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return StacksFile.Validate((YamlMappingNode)stream.Documents[0].RootNode, stacks);
    }

    private static List<string> Errors(string yaml, params string[] stacks) =>
        Validate(yaml, stacks).Errors.Select(e => e.ToString()).ToList();

    private static string Wave(string body) => $"waves:\n  - {body.Replace("\n", "\n    ")}\n{Accounts}";

    [Fact]
    public void A_valid_file_places_every_stack_in_its_wave_with_its_account_roles()
    {
        var result = Validate(ThreeWaves, FleetStacks);
        Assert.Empty(result.Errors);
        var rollout = result.Rollout!;
        Assert.Equal(["dev", "staging", "prod"], rollout.Waves.Select(w => w.Name));
        Assert.Equal([4, 1, 2], rollout.Waves.Select(w => w.MaxParallel)); // unset: one at a time
        Assert.Equal("dev", rollout.WaveOfStack["dev-eu"].Name);
        Assert.Equal("prod", rollout.WaveOfStack["prod-us"].Name);
        Assert.Equal("production", rollout.WaveOfStack["prod-us"].Environment);
        Assert.Equal("arn:aws:iam::444455556666:role/ci/preview", rollout.AccountOf("prod-eu").PreviewRole);
        // Without a previewRole, previews use the deploy role.
        Assert.Equal("arn:aws:iam::111122223333:role/deploy", rollout.AccountOf("staging-a").PreviewRole);
    }

    [Fact]
    public void The_shipped_stacks_yaml_is_valid_for_the_shipped_stacks()
    {
        var result = StacksFile.Load(Repo.Root, ProjectStacks.Names(Repo.Root));
        Assert.Empty(result.Errors);
        Assert.Equal("dev", result.Rollout!.WaveOfStack["dev"].Name);
    }

    [Theory]
    [InlineData("dev-*", "dev-eu", true)]
    [InlineData("dev-*", "dev", false)]
    [InlineData("prod-??", "prod-eu", true)]
    [InlineData("prod-??", "prod-eu1", false)]
    [InlineData("a.b", "axb", false)] // '.' is literal, not a regex wildcard
    [InlineData("*", "anything", true)]
    public void Globs_match_whole_stack_names(string glob, string stack, bool matches) =>
        Assert.Equal(matches, StacksFile.Matches(glob, stack));

    [Fact]
    public void Unknown_keys_are_named_with_a_suggestion_at_every_level()
    {
        var yaml = ThreeWaves.Replace("    maxParallel: 4", "    maxParalel: 4")
                       .Replace("    deployRole: arn:aws:iam::111122223333:role/deploy", "    deployRole: arn:aws:iam::111122223333:role/deploy\n    previewrole: x")
                   + "\nwavez: 1\n";
        Assert.Equal(
        [
            "wavez = 1: unknown key; did you mean waves?; allowed: waves, accounts",
            "accounts[\"111122223333\"].previewrole = \"x\": unknown key; did you mean previewRole?; allowed: deployRole, previewRole",
            "waves[0].maxParalel = 4: unknown key; did you mean maxParallel?; allowed: name, stacks, account, environment, maxParallel",
        ], Errors(yaml, FleetStacks));
    }

    [Fact]
    public void Missing_top_level_keys()
    {
        Assert.Equal(
        [
            "accounts: missing; allowed: a map of 12-digit account ids to {deployRole, previewRole?}",
            "waves: missing; allowed: a list of waves in rollout order, each {name, stacks, account, environment, maxParallel}",
        ], Errors("{}", "dev"));
        Assert.Equal(
        [
            "accounts = []: not a map; allowed: a map of 12-digit account ids to {deployRole, previewRole?}",
            "waves = []: empty; allowed: a list of waves in rollout order, each {name, stacks, account, environment, maxParallel}",
        ], Errors("waves: []\naccounts: []", "dev"));
    }

    [Fact]
    public void A_wave_needs_name_stacks_account_and_environment()
    {
        Assert.Equal(
        [
            "waves[0].name: missing; allowed: lowercase letters, digits and -, at most 40, e.g. prod",
            "waves[0].stacks: missing; allowed: a list of stack names or globs (* and ?), e.g. [prod-*]",
            "waves[0].environment: missing; allowed: the GitHub environment the wave deploys in, e.g. production (give it required reviewers)",
            "waves[0].account: missing; allowed: 111122223333, 444455556666",
        ], Errors(Wave("maxParallel: 1"), "dev"));
    }

    [Theory]
    [InlineData("maxParallel: 0", "waves[0].maxParallel = 0: out of range; allowed: a whole number from 1 to 256 (a GitHub Actions matrix runs at most 256 jobs)")]
    [InlineData("maxParallel: 257", "waves[0].maxParallel = 257: out of range; allowed: a whole number from 1 to 256 (a GitHub Actions matrix runs at most 256 jobs)")]
    [InlineData("maxParallel: lots", "waves[0].maxParallel = \"lots\": not a whole number; allowed: a whole number from 1 to 256 (a GitHub Actions matrix runs at most 256 jobs)")]
    [InlineData("maxParallel: 1.5", "waves[0].maxParallel = \"1.5\": not a whole number; allowed: a whole number from 1 to 256 (a GitHub Actions matrix runs at most 256 jobs)")]
    [InlineData("name: Prod!", "waves[0].name = \"Prod!\": not a wave name; allowed: lowercase letters, digits and -, at most 40, e.g. prod")]
    [InlineData("account: \"999999999999\"", "waves[0].account = \"999999999999\": not listed under accounts; allowed: 111122223333, 444455556666")]
    [InlineData("environment: \"\"", "waves[0].environment = \"\": not a non-empty string; allowed: the GitHub environment the wave deploys in, e.g. production (give it required reviewers)")]
    [InlineData("stacks: dev", "waves[0].stacks = \"dev\": not a list; allowed: a list of stack names or globs (* and ?), e.g. [prod-*]")]
    [InlineData("stacks: []", "waves[0].stacks = []: empty; allowed: a list of stack names or globs (* and ?), e.g. [prod-*]")]
    [InlineData("stacks: [dev, team/dev]", "waves[0].stacks[1] = \"team/dev\": not a stack name or glob; allowed: letters, digits, -, _ and . (a stack name), with * and ? as wildcards")]
    public void Each_wave_field_is_checked(string replacement, string error)
    {
        var key = replacement[..replacement.IndexOf(':')];
        var fields = new Dictionary<string, string>
        {
            ["name"] = "name: dev", ["stacks"] = "stacks: [dev]", ["account"] = "account: \"111122223333\"",
            ["environment"] = "environment: dev", ["maxParallel"] = "maxParallel: 1",
        };
        fields[key] = replacement;
        Assert.Equal([error], Errors(Wave(string.Join("\n", fields.Values)), "dev"));
    }

    [Fact]
    public void Wave_names_are_unique()
    {
        var yaml = ThreeWaves.Replace("name: staging", "name: dev");
        Assert.Equal(["waves[1].name = \"dev\": also the name of waves[0]; allowed: a name unique among the waves"], Errors(yaml, FleetStacks));
    }

    [Fact]
    public void Accounts_need_a_12_digit_id_and_role_arns_of_that_account()
    {
        var yaml = """
            waves:
              - {name: dev, stacks: [dev], account: "111122223333", environment: dev}
            accounts:
              "111122223333":
                deployRole: arn:aws:iam::444455556666:role/deploy
                previewRole: preview
              "1234":
                deployRole: arn:aws:iam::111122223333:role/deploy
              "777788889999": arn:aws:iam::777788889999:role/deploy
              "000011112222":
                previewRole: arn:aws:iam::000011112222:role/preview
            """;
        Assert.Equal(
        [
            "accounts[\"111122223333\"].deployRole = \"arn:aws:iam::444455556666:role/deploy\": a role of account 444455556666, not 111122223333; allowed: a role in account 111122223333; a wave in another account names that account",
            "accounts[\"111122223333\"].previewRole = \"preview\": not an IAM role ARN; allowed: an IAM role ARN, e.g. arn:aws:iam::111122223333:role/eks-ipvs-deploy",
            "accounts[\"1234\"]: not a 12-digit AWS account id; allowed: 12 digits, quoted, e.g. \"111122223333\"",
            "accounts[\"777788889999\"] = \"arn:aws:iam::777788889999:role/deploy\": not a map; allowed: {deployRole, previewRole?}",
            "accounts[\"000011112222\"].deployRole: missing; allowed: an IAM role ARN, e.g. arn:aws:iam::000011112222:role/eks-ipvs-deploy",
            // The account's roles were refused, so the wave's account is not usable either.
            "waves[0].account = \"111122223333\": not listed under accounts; allowed: an account id listed under accounts",
        ], Errors(yaml, "dev"));
    }

    [Fact]
    public void Every_stack_is_in_exactly_one_wave_and_every_wave_holds_a_stack()
    {
        var yaml = ThreeWaves.Replace("stacks: [staging-*]", "stacks: [staging-*, \"*-eu\"]");
        Assert.Equal(
        [
            "Pulumi.dev-eu.yaml: stack dev-eu is in 2 waves: waves[0] (dev) by \"dev-*\", waves[1] (staging) by \"*-eu\"; allowed: exactly one wave per stack; narrow the globs",
            "Pulumi.prod-eu.yaml: stack prod-eu is in 2 waves: waves[1] (staging) by \"*-eu\", waves[2] (prod) by \"prod-*\"; allowed: exactly one wave per stack; narrow the globs",
            "Pulumi.qa.yaml: stack qa is in no wave; allowed: a name or glob matching qa in one wave's stacks",
        ], Errors(yaml, [.. FleetStacks, "qa"]));
        Assert.Equal(
        [
            "waves[1].stacks = [\"staging-*\"]: matches no Pulumi.<stack>.yaml; allowed: globs matching some of: dev, prod-eu; or remove the wave",
        ], Errors(ThreeWaves, "dev", "prod-eu"));
    }

    [Fact]
    public void Every_error_is_reported_in_one_pass()
    {
        var yaml = ThreeWaves.Replace("maxParallel: 4", "maxParallel: 0").Replace("environment: staging", "environment: [staging]")
                   + "\nextra: true\n";
        var errors = Errors(yaml, [.. FleetStacks, "qa"]);
        Assert.Equal(4, errors.Count);
        Assert.Contains("extra = true: unknown key; allowed: waves, accounts", errors);
        Assert.Contains("waves[1].environment = [\"staging\"]: not a non-empty string; allowed: the GitHub environment the wave deploys in, e.g. production (give it required reviewers)", errors);
        Assert.Null(Validate(yaml, FleetStacks).Rollout);
    }

    [Fact]
    public void A_missing_stacks_yaml_says_what_it_is_for()
    {
        var dir = Directory.CreateTempSubdirectory("eks-ipvs-rollout").FullName;
        try
        {
            var e = Assert.Throws<StackFileException>(() => StacksFile.Load(dir, ["dev"]));
            Assert.Equal($"{Path.Combine(dir, "stacks.yaml")} not found: it lists the waves every Pulumi.<stack>.yaml is rolled out in (README \"Many clusters\")", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
