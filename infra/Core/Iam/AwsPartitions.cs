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
}
