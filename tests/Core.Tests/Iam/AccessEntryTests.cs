using EksIpvs.Core.Iam;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>Who may use the Kubernetes API: the accessEntries rules, each with its exact message.</summary>
public class AccessEntryTests
{
    private const string Admins = "arn:aws:iam::111122223333:role/platform-admins";

    private static string EntryError(string entryJson) => SingleError(("accessEntries", $"[{entryJson}]"));

    [Fact]
    public void Entries_map_to_eks_access_policies_and_scopes()
    {
        var spec = Valid(("accessEntries", $$"""
            [{"principalArn": "{{Admins}}", "access": "clusterAdmin"},
             {"principalArn": "arn:aws:iam::111122223333:role/teams/web-dev", "access": "edit", "namespaces": ["web", "web-staging"]},
             {"principalArn": "arn:aws:iam::111122223333:user/auditor", "access": "view"}]
            """));
        Assert.Equal([
            ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "cluster", "111122223333-role-platform-admins"),
            ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", "namespace", "111122223333-role-teams-web-dev"),
            ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "cluster", "111122223333-user-auditor"),
        ], spec.AccessEntries.Select(e => (e.PolicyArn, e.ScopeType, e.ResourceName)));
        Assert.Equal(["web", "web-staging"], spec.AccessEntries[1].Namespaces);
    }

    [Fact]
    public void Other_partitions_get_their_own_policy_arns() =>
        Assert.Equal("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
            Valid(("accessEntries", """[{"principalArn": "arn:aws-cn:iam::111122223333:role/ops", "access": "admin"}]""")).AccessEntries.Single().PolicyArn);

    [Fact]
    public void By_default_only_the_creator_and_nobody_else()
    {
        var spec = Valid();
        Assert.Empty(spec.AccessEntries);
    }

    [Fact]
    public void An_assumed_role_session_is_refused_with_the_roles_arn()
    {
        Assert.Equal("eks-ipvs:accessEntries[0].principalArn = \"arn:aws:sts::111122223333:assumed-role/deploy/ci-run-42\": " +
                     "an assumed-role session ARN, which EKS does not take for an access entry; " +
                     "allowed: the role's own ARN, arn:aws:iam::111122223333:role/deploy (with its path, if it has one: aws iam get-role --role-name deploy)",
            EntryError("""{"principalArn": "arn:aws:sts::111122223333:assumed-role/deploy/ci-run-42", "access": "view"}"""));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("arn:aws:iam::111122223333:group/admins")]
    [InlineData("arn:aws:iam::1111:role/x")]
    [InlineData("platform-admins")]
    [InlineData("arn:aws-eu:iam::111122223333:role/x")]
    public void Anything_but_an_iam_role_or_user_is_refused(string arn) =>
        Assert.Equal($"eks-ipvs:accessEntries[0].principalArn = \"{arn}\": not an IAM role or user ARN; " +
                     "allowed: the ARN of an IAM role or user, arn:<partition>:iam::<12-digit account>:role/<path/name> or :user/<path/name>",
            EntryError($$"""{"principalArn": "{{arn}}", "access": "view"}"""));

    [Fact]
    public void A_principal_twice_is_refused() =>
        Assert.Equal($"eks-ipvs:accessEntries[1].principalArn = \"{Admins}\": the same principal as accessEntries[0]; " +
                     "allowed: one entry per principal (EKS allows one access entry per IAM principal)",
            SingleError(("accessEntries", $$"""[{"principalArn": "{{Admins}}", "access": "clusterAdmin"}, {"principalArn": "{{Admins}}", "access": "view"}]""")));

    [Fact]
    public void Cluster_admin_cannot_be_limited_to_namespaces() =>
        Assert.Equal("eks-ipvs:accessEntries[0].namespaces = [\"web\"]: clusterAdmin (AmazonEKSClusterAdminPolicy) applies to the whole cluster only; " +
                     "allowed: no namespaces with clusterAdmin; admin, edit or view can be limited to namespaces",
            EntryError($$"""{"principalArn": "{{Admins}}", "access": "clusterAdmin", "namespaces": ["web"]}"""));

    [Fact]
    public void Namespaces_must_be_namespace_names() =>
        Assert.Equal("eks-ipvs:accessEntries[0].namespaces = [\"Web_Team\"]: 'Web_Team' is not a Kubernetes namespace name; " +
                     "allowed: lowercase letters, digits and -, 1-63 characters, starting and ending with a letter or digit",
            EntryError($$"""{"principalArn": "{{Admins}}", "access": "edit", "namespaces": ["Web_Team"]}"""));

    [Fact]
    public void Access_must_be_one_of_the_four() =>
        Assert.Equal("eks-ipvs:accessEntries[0].access = \"owner\": not one of the choices; allowed: clusterAdmin, admin, edit, view",
            EntryError($$"""{"principalArn": "{{Admins}}", "access": "owner"}"""));

    [Fact]
    public void Access_is_required() =>
        Assert.Equal("eks-ipvs:accessEntries[0].access: missing; allowed: clusterAdmin, admin, edit, view",
            EntryError($$"""{"principalArn": "{{Admins}}"}"""));

    [Fact]
    public void Unknown_fields_get_a_hint() =>
        Assert.StartsWith("eks-ipvs:accessEntries[0].namespace = [\"web\"]: unknown key; did you mean namespaces?",
            EntryError($$"""{"principalArn": "{{Admins}}", "access": "edit", "namespace": ["web"]}"""));

    [Fact]
    public void Principals_of_several_partitions_are_refused() =>
        Assert.Equal("eks-ipvs:accessEntries = [{\"principalArn\":\"arn:aws:iam::111122223333:role/a\",\"access\":\"view\"},{\"principalArn\":\"arn:aws-cn:iam::111122223333:role/b\",\"access\":\"view\"}]: " +
                     "principals in several partitions (aws, aws-cn); allowed: principals in the cluster's own partition only",
            SingleError(("accessEntries", """[{"principalArn": "arn:aws:iam::111122223333:role/a", "access": "view"}, {"principalArn": "arn:aws-cn:iam::111122223333:role/b", "access": "view"}]""")));

    [Fact]
    public void A_principal_outside_the_deploy_partition_is_caught_at_up()
    {
        var spec = Valid(("accessEntries", $$"""[{"principalArn": "{{Admins}}", "access": "view"}]"""));
        Assert.Empty(ClusterAccess.PartitionErrors(spec, "aws"));
        Assert.Equal($"eks-ipvs:accessEntries: {Admins} is in partition aws, but the stack deploys to aws-us-gov; allowed: principals of partition aws-us-gov",
            Assert.Single(ClusterAccess.PartitionErrors(spec, "aws-us-gov")));
    }
}
