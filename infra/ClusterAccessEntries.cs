using EksIpvs.Core;
using Pulumi;
using Pulumi.Aws.Eks;
using Pulumi.Aws.Eks.Inputs;

namespace EksIpvs.Infra;

public sealed record ClusterAccessEntriesArgs(ClusterSpec Spec, EksCluster Cluster);

/// <summary>
/// The IAM principals named in accessEntries, each an EKS access entry with one access-policy association. The
/// identity that runs the first `pulumi up` needs none: pulumi-eks v4.3.0 always has EKS make it admin
/// (bootstrapClusterCreatorAdminPermissions, nodejs/eks/cluster/cluster.ts), and a second entry for the same
/// principal would be refused (ResourceInUseException).
/// </summary>
public sealed class ClusterAccessEntries : ComponentResource
{
    public ClusterAccessEntries(string name, ClusterAccessEntriesArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:ClusterAccessEntries", name, options)
    {
        var spec = args.Spec;
        var child = new CustomResourceOptions { Parent = this };
        foreach (var access in spec.AccessEntries)
        {
            var entry = new AccessEntry(access.ResourceName, new AccessEntryArgs
            {
                ClusterName = args.Cluster.ClusterName,
                PrincipalArn = access.PrincipalArn,
                Type = "STANDARD",
                Tags = new Dictionary<string, string>(spec.StackTags),
            }, child);
            var scope = new AccessPolicyAssociationAccessScopeArgs { Type = access.ScopeType };
            if (access.Namespaces.Count > 0)
            {
                scope.Namespaces = access.Namespaces.ToList();
            }
            new AccessPolicyAssociation(access.ResourceName, new AccessPolicyAssociationArgs
            {
                ClusterName = args.Cluster.ClusterName,
                // From the entry, so the association waits for it.
                PrincipalArn = entry.PrincipalArn,
                PolicyArn = access.PolicyArn,
                AccessScope = scope,
            }, child);
        }
        RegisterOutputs();
    }
}
