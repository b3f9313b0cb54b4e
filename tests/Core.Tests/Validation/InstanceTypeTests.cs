using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Tests;

/// <summary>An instance type's name tells its architecture; a group must not mix them up.</summary>
public class InstanceTypeTests
{
    [Theory]
    [InlineData("m7g.large")]
    [InlineData("m7gd.xlarge")]
    [InlineData("c7gn.2xlarge")]
    [InlineData("c6gn.medium")]
    [InlineData("r8g.large")]
    [InlineData("t4g.small")]
    [InlineData("x2gd.xlarge")]
    [InlineData("im4gn.large")]
    [InlineData("is4gen.medium")]
    [InlineData("i4g.large")]
    [InlineData("g5g.xlarge")]
    [InlineData("hpc7g.4xlarge")]
    [InlineData("a1.large")]
    public void Graviton_families_are_arm64(string type) => Assert.Equal(CpuArchitecture.Arm64, InstanceTypes.ArchitectureOf(type));

    [Theory]
    [InlineData("m6i.large")]
    [InlineData("t3.large")]
    [InlineData("c7a.xlarge")]
    [InlineData("g4dn.xlarge")]
    [InlineData("g6e.2xlarge")]
    [InlineData("inf2.xlarge")]
    [InlineData("p5.48xlarge")]
    [InlineData("x2iezn.2xlarge")]
    [InlineData("r7iz.large")]
    [InlineData("m7i-flex.large")]
    [InlineData("hpc7a.12xlarge")]
    public void Other_families_are_x86_64(string type) => Assert.Equal(CpuArchitecture.X86_64, InstanceTypes.ArchitectureOf(type));

    [Theory]
    [InlineData("mac2-m2.metal")]
    [InlineData("mac1.metal")]
    [InlineData("p6e-gb200.36xlarge")]
    [InlineData("u7i-12tb.224xlarge")]
    public void Names_that_do_not_tell_are_not_judged(string type) => Assert.Null(InstanceTypes.ArchitectureOf(type));

    [Fact]
    public void An_arm64_type_in_an_x86_64_group_names_type_architecture_and_fix()
    {
        Assert.Equal(
            "eks-ipvs:nodeGroups[0].instanceTypes = [\"m6i.large\",\"m7g.large\"]: m7g.large is an arm64 (AWS Graviton) instance type, " +
            "but the group's architecture is x86_64; allowed: x86_64 types (no g after the generation, e.g. m6i.large, c7a.xlarge), or architecture arm64",
            Stacks.SingleError(("nodeGroups", """[{"name":"a","instanceTypes":["m6i.large","m7g.large"]}]""")));
    }

    [Fact]
    public void An_x86_64_type_in_an_arm64_group_names_type_architecture_and_fix()
    {
        Assert.Equal(
            "eks-ipvs:nodeGroups[0].instanceTypes = [\"t3.large\"]: t3.large is an x86_64 instance type, but the group's architecture is arm64; " +
            "allowed: Graviton types (a g after the generation, e.g. m7g.large, c7gn.xlarge), or architecture x86_64",
            Stacks.SingleError(("nodeGroups", """[{"name":"a","architecture":"arm64","instanceTypes":["t3.large"]}]""")));
    }

    [Fact]
    public void The_default_instance_types_match_their_architecture()
    {
        Assert.True(Stacks.Validate(("nodeGroups", """[{"name":"a"},{"name":"b","architecture":"arm64"}]""")).IsValid);
    }
}
