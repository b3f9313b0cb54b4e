using EksIpvs.Core.Network;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

public class SubnetPlanTests
{
    [Fact]
    public void Default_vpc_gets_private_19s_and_public_22s()
    {
        var plan = Valid().Subnets;
        Assert.Equal(
        [
            ("10.0.0.0/19", "10.0.224.0/22"),
            ("10.0.32.0/19", "10.0.228.0/22"),
            ("10.0.64.0/19", "10.0.232.0/22"),
        ], plan.Zones.Select(z => (z.Private.ToString(), z.Public.ToString())));
    }

    [Theory]
    [InlineData("10.0.0.0/16", 2)]
    [InlineData("10.0.0.0/16", 6)]
    [InlineData("172.20.0.0/18", 4)]
    [InlineData("192.168.16.0/20", 6)]
    public void Subnets_are_inside_the_vpc_disjoint_and_leave_room(string vpcCidr, int zones)
    {
        var spec = Valid(("vpcCidr", vpcCidr), ("availabilityZoneCount", zones.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var subnets = spec.Subnets.Zones.SelectMany(z => new[] { z.Private, z.Public }).ToList();
        Assert.Equal(zones * 2, subnets.Count);
        Assert.All(subnets, s => Assert.True(spec.VpcCidr.Contains(s), $"{s} outside {spec.VpcCidr}"));
        foreach (var a in subnets)
        {
            foreach (var b in subnets.Where(b => b != a))
            {
                Assert.False(a.Contains(b) || b.Contains(a), $"{a} overlaps {b}");
            }
        }
        var used = subnets.Sum(s => (double)s.Size);
        Assert.True(used <= spec.VpcCidr.Size * 7.0 / 8, $"only {spec.VpcCidr.Size - used} of {spec.VpcCidr.Size} addresses left for growth");
        Assert.All(spec.Subnets.Zones, z => Assert.True(z.Private.Prefix <= 23 && z.Public.Prefix <= 26));
    }

    [Fact]
    public void Zones_are_paired_with_the_regions_names_in_order()
    {
        var plan = Valid(("availabilityZoneCount", "2")).Subnets;
        Assert.Equal(["eu-west-1a", "eu-west-1b"], plan.InZones(["eu-west-1a", "eu-west-1b", "eu-west-1c"]).Select(z => z.Zone));
    }

    [Fact]
    public void A_region_with_too_few_zones_is_a_clear_error()
    {
        var plan = Valid(("availabilityZoneCount", "4")).Subnets;
        var error = Assert.Throws<InvalidOperationException>(() => plan.InZones(["ca-central-1a", "ca-central-1b", "ca-central-1d"]));
        Assert.Equal("availabilityZoneCount = 4, but the region offers only 3 available zones (ca-central-1a, ca-central-1b, ca-central-1d); allowed here: 2 to 3",
            error.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/16", true, false, "10.0.0.0/16")]
    [InlineData("10.0.3.0/16", true, true, "10.0.0.0/16")]
    [InlineData("0.0.0.0/0", true, false, "0.0.0.0/0")]
    [InlineData("255.255.255.255/32", true, false, "255.255.255.255/32")]
    [InlineData("01.0.0.0/8", false, false, "")]
    [InlineData("1.2.3.4", false, false, "")]
    [InlineData("1.2.3.4/", false, false, "")]
    public void Cidr_parsing(string text, bool parses, bool hostBits, string normal)
    {
        Assert.Equal(parses, Ipv4Cidr.TryParse(text, out var cidr, out var bits));
        if (parses)
        {
            Assert.Equal((hostBits, normal), (bits, cidr.ToString()));
        }
    }
}
