using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>The secrets key's policies and the security groups the cluster does without.</summary>
public class ClusterSecurityTests
{
    [Fact]
    public async Task The_secrets_key_gets_its_policy_and_the_cluster_role_a_policy_for_it()
    {
        var run = await With();
        var key = run.Single("aws:kms/key:Key", "secrets").Inputs;
        Assert.False(key.ContainsKey("policy")); // the KeyPolicy resource owns it; two owners would fight
        var policy = run.Single("aws:kms/keyPolicy:KeyPolicy", "secrets").Inputs;
        Assert.Equal("mock-key-id", policy["keyId"]);
        Assert.Single(run.OfType("aws:iam/rolePolicy:RolePolicy"), r => r.Name == "cluster-encryption");
        // The pipeline's session is resolved to its role before it is named in the key policy.
        var context = Assert.Single(run.Calls, c => c.Token == "aws:iam/getSessionContext:getSessionContext");
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/deploy/ci-run", context.Args["arn"]);
    }

    [Fact]
    public async Task Without_secrets_encryption_there_is_no_key_and_no_policy()
    {
        var run = await With(("secretsEncryption", "false"));
        Assert.Empty(run.OfType("aws:kms/key:Key"));
        Assert.Empty(run.OfType("aws:kms/keyPolicy:KeyPolicy"));
        Assert.Empty(run.OfType("aws:iam/rolePolicy:RolePolicy"));
    }

    [Fact]
    public async Task Pulumi_eks_default_security_groups_are_skipped()
    {
        var run = await With();
        Assert.Equal(true, run.Single("eks:index:Cluster", "eks").Inputs["skipDefaultSecurityGroups"]);
    }
}
