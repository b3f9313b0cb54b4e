using EksIpvs.Core.Iam;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>The config that names the stack's roles, their boundary and the stack tag.</summary>
public class StackIamValidationTests
{
    [Fact]
    public void A_cluster_name_whose_role_names_would_not_fit_in_64_characters_is_refused()
    {
        var longest = new string('a', 56);
        Assert.Equal(64, StackRoles.ClusterRoleName(longest).Length);
        Assert.Equal(longest, Valid(("clusterName", longest)).ClusterName);
        var tooLong = new string('a', 57);
        Assert.Equal($"eks-ipvs:clusterName = \"{tooLong}\": 57 characters: the stack's role {tooLong}-cluster would exceed IAM's 64-character limit; allowed: at most 56 characters",
            SingleError(("clusterName", tooLong)));
    }

    [Fact]
    public void The_boundary_is_the_arn_of_a_customer_managed_policy()
    {
        Assert.Null(Valid().PermissionsBoundaryArn);
        Assert.Equal("arn:aws-cn:iam::111122223333:policy/platform/eks-boundary",
            Valid(("permissionsBoundaryArn", "arn:aws-cn:iam::111122223333:policy/platform/eks-boundary")).PermissionsBoundaryArn);
        foreach (var bad in new[] { "eks-boundary", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::111122223333:role/eks-boundary",
                     "arn:aws-xx:iam::111122223333:policy/b", "arn:aws:iam::11112222333:policy/b", "" })
        {
            Assert.Equal($"eks-ipvs:permissionsBoundaryArn = \"{bad}\": not the ARN of a customer managed policy; allowed: " +
                "arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:policy/[path/]<name>, e.g. arn:aws:iam::111122223333:policy/payments-boundary",
                SingleError(("permissionsBoundaryArn", bad)));
        }
    }

    [Fact]
    public void The_stack_tag_is_reserved_and_on_everything_named()
    {
        Assert.Equal("eks-ipvs:tags = {\"eks-ipvs:cluster\":\"other\"}: tag key 'eks-ipvs:cluster' is the stack's own (its value is the cluster name; the deploy policy scopes by it); allowed: any other key",
            SingleError(("tags", """{"eks-ipvs:cluster": "other"}""")));
        var spec = Valid(("clusterName", "payments"), ("tags", """{"team": "a"}"""));
        Assert.Equal("payments", spec.TagsNamed("x")[StackRoles.TagKey]);
        Assert.Equal("a", spec.StackTags["team"]);
        Assert.Equal("payments", spec.StackTags[StackRoles.TagKey]);
    }
}

/// <summary>The names an existing stack's pulumi-eks cluster role had, which the program's own role takes over.</summary>
public class PulumiEksRoleNameTests
{
    [Fact]
    public void The_attachment_suffix_is_pulumi_eks_s_sha1_prefix_of_the_aws_partition_arn()
    {
        // node -e "crypto.createHash('sha1').update('arn:aws:iam::aws:policy/AmazonEKSClusterPolicy').digest('hex').substring(0,8)"
        Assert.Equal("4b490823", StackRoles.PulumiEksAttachmentHash("AmazonEKSClusterPolicy"));
    }
}

public class BoundaryPartitionTests
{
    [Fact]
    public void A_boundary_of_another_partition_than_the_stacks_is_an_error_before_any_resource()
    {
        var spec = Stacks.Valid(("permissionsBoundaryArn", "arn:aws:iam::111122223333:policy/b"));
        Assert.Empty(ClusterAccess.PartitionErrors(spec, "aws"));
        Assert.Equal("eks-ipvs:permissionsBoundaryArn: arn:aws:iam::111122223333:policy/b is in partition aws, but the stack deploys to aws-cn; allowed: a policy of partition aws-cn",
            Assert.Single(ClusterAccess.PartitionErrors(spec, "aws-cn")));
    }
}
