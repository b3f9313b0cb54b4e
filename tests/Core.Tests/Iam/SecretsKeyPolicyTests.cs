using System.Text.Json;
using EksIpvs.Core.Iam;

namespace EksIpvs.Core.Tests;

/// <summary>The secrets key's policy and the cluster role's policy for it, as golden files.</summary>
public class SecretsKeyPolicyTests
{
    private const string Deployer = "arn:aws:iam::111122223333:role/ci/deploy";
    private const string ClusterRole = "arn:aws:iam::111122223333:role/eks-ipvs-dev-eksRole-role-0a1b2c3";

    [Fact]
    public void Key_policy_keeps_the_root_names_the_deployer_and_lets_the_cluster_role_use_the_key()
    {
        var json = SecretsKeyPolicy.KeyPolicy("aws", "111122223333", Deployer, ClusterRole);
        Golden.Matches("kms/key-policy.json", json);
        var statements = JsonDocument.Parse(json).RootElement.GetProperty("Statement").EnumerateArray().ToList();
        Assert.Equal(["arn:aws:iam::111122223333:root", Deployer, ClusterRole],
            statements.Select(s => s.GetProperty("Principal").GetProperty("AWS").GetString()));
        Assert.Equal(["kms:*"], statements[0].GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        // The administrator manages the key but cannot read secrets with it.
        var admin = statements[1].GetProperty("Action").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.DoesNotContain("kms:Decrypt", admin);
        Assert.DoesNotContain("kms:*", admin);
    }

    [Fact]
    public void Cluster_role_policy_is_the_key_alone()
    {
        var json = SecretsKeyPolicy.ClusterRolePolicy("arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d");
        Golden.Matches("kms/cluster-role-policy.json", json);
        var statement = JsonDocument.Parse(json).RootElement.GetProperty("Statement").EnumerateArray().Single();
        Assert.Equal("arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d", statement.GetProperty("Resource").GetString());
        Assert.Equal(["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/eks-role", "eks-role")]
    [InlineData("arn:aws:iam::111122223333:role/path/to/eks-role", "eks-role")]
    public void Role_name_from_arn(string arn, string name) => Assert.Equal(name, SecretsKeyPolicy.RoleName(arn));
}
