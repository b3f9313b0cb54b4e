using System.Collections.Immutable;
using EksIpvs.Core;
using EksIpvs.Core.Network;
using Pulumi;
using Pulumi.Aws.Ec2;
using Pulumi.Aws.Ec2.Inputs;

namespace EksIpvs.Infra;

/// <param name="Zones">The spec's subnet plan paired with the region's zone names.</param>
public sealed record NetworkArgs(ClusterSpec Spec, IReadOnlyList<(string Zone, ZoneSubnets Subnets)> Zones);

/// <summary>The VPC: a public and a private subnet in every zone, an internet gateway, NAT as the spec says, and the
/// subnet tags load balancers are placed by.</summary>
public sealed class Network : ComponentResource
{
    [Output] public Output<string> VpcId { get; private set; }
    [Output] public Output<ImmutableArray<string>> PublicSubnetIds { get; private set; }
    [Output] public Output<ImmutableArray<string>> PrivateSubnetIds { get; private set; }

    public Network(string name, NetworkArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:Network", name, options)
    {
        var spec = args.Spec;
        var prefix = spec.ClusterName;
        var child = new CustomResourceOptions { Parent = this };

        var vpc = new Vpc("vpc", new VpcArgs
        {
            CidrBlock = spec.VpcCidr.ToString(),
            EnableDnsHostnames = true, // EKS nodes and private endpoints need DNS hostnames
            EnableDnsSupport = true,
            Tags = spec.TagsNamed($"{prefix}-vpc"),
        }, child);

        var internetGateway = new InternetGateway("internet-gateway", new InternetGatewayArgs
        {
            VpcId = vpc.Id,
            Tags = spec.TagsNamed($"{prefix}-igw"),
        }, child);

        var publicRoutes = new RouteTable("public", new RouteTableArgs
        {
            VpcId = vpc.Id,
            Routes = { new RouteTableRouteArgs { CidrBlock = "0.0.0.0/0", GatewayId = internetGateway.Id } },
            Tags = spec.TagsNamed($"{prefix}-public"),
        }, child);

        var publicSubnets = new List<Subnet>();
        var privateSubnets = new List<Subnet>();
        foreach (var (zone, subnets) in args.Zones)
        {
            var publicSubnet = new Subnet($"public-{zone}", new SubnetArgs
            {
                VpcId = vpc.Id,
                AvailabilityZone = zone,
                CidrBlock = subnets.Public.ToString(),
                MapPublicIpOnLaunch = false, // only load balancers and NAT live here, with addresses of their own
                Tags = spec.TagsNamed($"{prefix}-public-{zone}", SubnetPlan.PublicSubnetRoleTag),
            }, child);
            new RouteTableAssociation($"public-{zone}", new RouteTableAssociationArgs
            {
                SubnetId = publicSubnet.Id,
                RouteTableId = publicRoutes.Id,
            }, child);
            publicSubnets.Add(publicSubnet);

            privateSubnets.Add(new Subnet($"private-{zone}", new SubnetArgs
            {
                VpcId = vpc.Id,
                AvailabilityZone = zone,
                CidrBlock = subnets.Private.ToString(),
                Tags = spec.TagsNamed($"{prefix}-private-{zone}", SubnetPlan.PrivateSubnetRoleTag),
            }, child));
        }

        var natGateways = spec.NatGatewayZones.ToDictionary(i => i, i =>
        {
            var zone = args.Zones[i].Zone;
            var address = new Eip($"nat-{zone}", new EipArgs
            {
                Domain = "vpc",
                Tags = spec.TagsNamed($"{prefix}-nat-{zone}"),
            }, child);
            return new NatGateway($"nat-{zone}", new NatGatewayArgs
            {
                AllocationId = address.Id,
                SubnetId = publicSubnets[i].Id,
                Tags = spec.TagsNamed($"{prefix}-nat-{zone}"),
            }, new CustomResourceOptions { Parent = this, DependsOn = { internetGateway } });
        });

        for (var i = 0; i < args.Zones.Count; i++)
        {
            var zone = args.Zones[i].Zone;
            var privateRoutes = new RouteTable($"private-{zone}", new RouteTableArgs
            {
                VpcId = vpc.Id,
                Routes = { new RouteTableRouteArgs { CidrBlock = "0.0.0.0/0", NatGatewayId = natGateways[spec.NatGatewayZoneFor(i)].Id } },
                Tags = spec.TagsNamed($"{prefix}-private-{zone}"),
            }, child);
            new RouteTableAssociation($"private-{zone}", new RouteTableAssociationArgs
            {
                SubnetId = privateSubnets[i].Id,
                RouteTableId = privateRoutes.Id,
            }, child);
        }

        VpcId = vpc.Id;
        PublicSubnetIds = Output.All(publicSubnets.Select(s => s.Id));
        PrivateSubnetIds = Output.All(privateSubnets.Select(s => s.Id));
        RegisterOutputs();
    }
}
