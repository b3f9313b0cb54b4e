using EksIpvs.Core.Network;

namespace EksIpvs.Core.Validation;

/// <summary>
/// The tags the stack itself puts on an AWS resource beside the user's `tags`, which count against AWS's limit
/// of 50 per resource (IAM, EC2 and EKS alike). The most tagged resources are the subnets: Name
/// (<see cref="ClusterSpec.TagsNamed"/>), the stack tag (<see cref="Iam.StackRoles.TagKey"/>) and a kubernetes.io/role tag (<see cref="SubnetPlan"/>). When the stack
/// adds a tag to every resource, add its key here: the limit check follows.
/// </summary>
public static class StackTags
{
    /// <summary>AWS's limit of tags per resource.</summary>
    public const int AwsLimit = 50;

    /// <summary>The keys the stack adds to its most tagged resource (a private subnet; a public one has as many).</summary>
    public static readonly IReadOnlyList<string> AddedByStack = ["Name", Iam.StackRoles.TagKey, SubnetPlan.PrivateSubnetRoleTag.Key];

    /// <summary>How many tags of the user's fit beside the stack's.</summary>
    public static int RoomForUserTags => AwsLimit - AddedByStack.Count;

    /// <summary>The tags the most tagged resource would carry: the user's and the stack's (a user key the stack
    /// also sets is overwritten, not added).</summary>
    public static int OnMostTaggedResource(IReadOnlyDictionary<string, string> userTags) =>
        userTags.Keys.Union(AddedByStack, StringComparer.Ordinal).Count();
}
