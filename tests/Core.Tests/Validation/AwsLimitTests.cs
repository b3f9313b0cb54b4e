using EksIpvs.Core.Iam;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Tests;

/// <summary>Limits AWS enforces, checked offline: tags per resource counting the stack's own, and principals in
/// the partition of the stack's region.</summary>
public class AwsLimitTests
{
    private static string TagsJson(int count) =>
        "{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"t{i:00}\":\"v\"")) + "}";

    private static SpecResult WithRegion(string? region, params (string Key, string Value)[] values)
    {
        var config = Stacks.Config(values);
        return SpecValidator.Validate(region is null ? config : config with
        {
            Others = new Dictionary<string, string> { ["aws:region"] = region },
        }, Stacks.Today);
    }

    [Fact]
    public void Tags_fit_up_to_the_limit_less_what_the_stack_adds()
    {
        Assert.Equal(47, StackTags.RoomForUserTags);
        Assert.True(Stacks.Validate(("tags", TagsJson(47))).IsValid);
        // A user Name is overwritten by the stack's, not added to it.
        Assert.True(Stacks.Validate(("tags", TagsJson(47)[..^1] + ",\"Name\":\"mine\"}")).IsValid);
    }

    [Fact]
    public void One_tag_too_many_counting_the_stacks_own_is_an_error_saying_how_many_fit()
    {
        var error = Assert.Single(Stacks.Validate(("tags", TagsJson(48))).Errors);
        Assert.Equal("eks-ipvs:tags", error.Key);
        Assert.Equal(
            "48 tags, and with the 3 the stack adds (Name, eks-ipvs:cluster, kubernetes.io/role/internal-elb on the subnets) a resource would carry 51, " +
            "more than AWS's limit of 50 per resource; allowed: at most 47 tags of your own",
            error.ToString()[(error.ToString().IndexOf("}: ", StringComparison.Ordinal) + 3)..]);
    }

    [Fact]
    public void The_stack_added_tags_are_the_ones_the_stack_really_adds()
    {
        var spec = Stacks.Valid(("tags", """{"team":"platform"}"""));
        var subnet = spec.TagsNamed("x-private-1", Network.SubnetPlan.PrivateSubnetRoleTag);
        Assert.Equal(StackTags.AddedByStack.Order(), subnet.Keys.Except(spec.Tags.Keys).Order());
    }

    [Theory]
    [InlineData("eu-west-1", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("cn-northwest-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-east-1", "aws")]
    public void The_region_names_its_partition(string region, string partition) => Assert.Equal(partition, AwsPartitions.Of(region));

    [Fact]
    public void A_principal_of_another_partition_than_the_regions_is_an_error_before_pulumi_up()
    {
        var entries = ("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/ops", "access": "admin"}]""");
        Assert.Equal(
            "eks-ipvs:accessEntries = \"arn:aws:iam::111122223333:role/ops\": an access entry principal in partition aws, but aws:region cn-north-1 " +
            "is in partition aws-cn, where AWS cannot use it; allowed: an ARN of partition aws-cn (arn:aws-cn:...), or an aws:region of partition aws",
            Assert.Single(WithRegion("cn-north-1", entries).Errors).ToString());
        Assert.True(WithRegion("eu-west-1", entries).IsValid);
        Assert.True(WithRegion(null, entries).IsValid); // no region offline: pulumi up checks (infra/Deploy.cs)
        Assert.True(WithRegion("us-gov-east-1",
            ("accessEntries", """[{"principalArn": "arn:aws-us-gov:iam::111122223333:user/auditor", "access": "view"}]""")).IsValid);
    }

    [Fact]
    public void A_permissions_boundary_of_another_partition_than_the_regions_is_an_error_before_pulumi_up()
    {
        var boundary = ("permissionsBoundaryArn", "arn:aws:iam::111122223333:policy/eks-boundary");
        Assert.Equal(
            "eks-ipvs:permissionsBoundaryArn = \"arn:aws:iam::111122223333:policy/eks-boundary\": a permissions boundary in partition aws, but " +
            "aws:region us-gov-west-1 is in partition aws-us-gov, where AWS cannot use it; allowed: an ARN of partition aws-us-gov (arn:aws-us-gov:...), " +
            "or an aws:region of partition aws",
            Assert.Single(WithRegion("us-gov-west-1", boundary).Errors).ToString());
        Assert.True(WithRegion("us-east-1", boundary).IsValid);
    }

    [Fact]
    public void A_secret_region_is_not_taken_for_a_region()
    {
        var entries = ("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/ops", "access": "admin"}]""");
        Assert.True(WithRegion(StackConfig.SecretValue, entries).IsValid);
    }
}
