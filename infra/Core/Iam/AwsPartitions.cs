using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Iam;

/// <summary>
/// The AWS partition a region belongs to, as every ARN of the stack must name it: China regions (cn-north-1,
/// cn-northwest-1) are aws-cn, GovCloud regions (us-gov-west-1, us-gov-east-1) aws-us-gov, every other commercial
/// region aws. `pulumi up` derives the partition from the provider (aws.GetPartition in infra/Deploy.cs); offline,
/// the region's name tells it.
/// </summary>
public static class AwsPartitions
{
    public const string Aws = "aws";
    public const string China = "aws-cn";
    public const string GovCloud = "aws-us-gov";

    public static string Of(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? China
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? GovCloud
        : Aws;

    /// <summary>The partition an ARN names ("arn:aws-cn:iam::..." → aws-cn), or null when the text is not an ARN.</summary>
    public static string? OfArn(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 6 && parts[0] == "arn" && parts[1].Length > 0 ? parts[1] : null;
    }

    /// <summary>An error when an ARN the stack hands to AWS names another partition than the stack's region:
    /// AWS refuses it, but only at `pulumi up`, after the provider derived the partition. Unknown region: no check
    /// (`pulumi up` still makes it, infra/Deploy.cs).</summary>
    internal static void CheckArn(Reader read, string? region, string qualifiedKey, string arn, string what)
    {
        if (region is null || OfArn(arn) is not { } partition || partition == Of(region))
        {
            return;
        }
        var expected = Of(region);
        read.Error(qualifiedKey, Reader.Display(arn),
            $"{what} in partition {partition}, but aws:region {region} is in partition {expected}, where AWS cannot use it",
            $"an ARN of partition {expected} (arn:{expected}:...), or an aws:region of partition {partition}");
    }

    internal static void CheckPrincipals(Reader read, string? region, IReadOnlyList<AccessEntrySpec> entries)
    {
        foreach (var entry in entries)
        {
            CheckArn(read, region, read.Qualified(ConfigKeys.AccessEntries.Name), entry.PrincipalArn, "an access entry principal");
        }
    }
}
