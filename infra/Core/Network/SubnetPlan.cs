namespace EksIpvs.Core.Network;

/// <summary>The subnets of one availability zone.</summary>
/// <param name="Index">0-based position of the zone in the region's list of available zones.</param>
public sealed record ZoneSubnets(int Index, Ipv4Cidr Private, Ipv4Cidr Public);

/// <summary>
/// How the VPC is cut. The VPC is split in eight equal blocks: zone i's private subnet (nodes and, with the
/// VPC CNI, every pod IP) is block i; the last block is split in eight again and zone i's public subnet (load
/// balancers, NAT) is its i-th part. With at most six zones, block 6 and the unused public parts stay free for
/// growth. For the default 10.0.0.0/16: private /19s (8,190 addresses each), public /22s.
/// </summary>
public sealed record SubnetPlan(Ipv4Cidr Vpc, IReadOnlyList<ZoneSubnets> Zones)
{
    /// <summary>Where the AWS Load Balancer Controller and the in-tree cloud provider put internet-facing load balancers.</summary>
    public static readonly (string Key, string Value) PublicSubnetRoleTag = ("kubernetes.io/role/elb", "1");

    /// <summary>Where they put internal load balancers.</summary>
    public static readonly (string Key, string Value) PrivateSubnetRoleTag = ("kubernetes.io/role/internal-elb", "1");

    public const int SmallestVpcPrefix = 20; // private /23 (510 pods and nodes) and public /26 per zone
    public const int LargestVpcPrefix = 16;  // AWS's limit for a VPC CIDR block
    public const int MinZones = 2;           // EKS requires subnets in two zones
    public const int MaxZones = 6;           // the most any AWS region has; the plan has room for six

    public static SubnetPlan For(Ipv4Cidr vpc, int zoneCount)
    {
        if (vpc.Prefix is < LargestVpcPrefix or > SmallestVpcPrefix || zoneCount is < MinZones or > MaxZones)
        {
            throw new ArgumentOutOfRangeException(nameof(vpc), $"no subnet plan for {vpc} across {zoneCount} zones");
        }
        var publicBlock = vpc.Subnet(vpc.Prefix + 3, 7);
        var zones = Enumerable.Range(0, zoneCount)
            .Select(i => new ZoneSubnets(i, vpc.Subnet(vpc.Prefix + 3, i), publicBlock.Subnet(publicBlock.Prefix + 3, i)))
            .ToList();
        return new SubnetPlan(vpc, zones);
    }

    /// <summary>Pairs the plan with the region's zone names, in the order AWS lists them.</summary>
    /// <exception cref="InvalidOperationException">The region has fewer zones than the stack asks for.</exception>
    public IReadOnlyList<(string Zone, ZoneSubnets Subnets)> InZones(IReadOnlyList<string> availableZones)
    {
        if (availableZones.Count < Zones.Count)
        {
            throw new InvalidOperationException(
                $"availabilityZoneCount = {Zones.Count}, but the region offers only {availableZones.Count} available zones " +
                $"({string.Join(", ", availableZones)}); allowed here: {MinZones} to {Math.Max(MinZones, availableZones.Count)}");
        }
        return Zones.Select(z => (availableZones[z.Index], z)).ToList();
    }
}
