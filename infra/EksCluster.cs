using EksIpvs.Core;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Versions;
using Pulumi;
using Pulumi.Eks;
using Pulumi.Eks.Inputs;

namespace EksIpvs.Infra;

/// <param name="Deployer">Who runs `pulumi up`: the secrets key's administrator.</param>
public sealed record EksClusterArgs(ClusterSpec Spec, Network Network, DeployingIdentity Deployer);

/// <param name="Arn">A role or user ARN: an assumed-role session already resolved to its role (path included).</param>
public sealed record DeployingIdentity(string Partition, string AccountId, string Arn);

/// <summary>The EKS control plane, with the kube-proxy and vpc-cni add-ons (pinned versions) configured at creation,
/// so the first node's first kube-proxy pod already runs in the configured mode.</summary>
public sealed class EksCluster : ComponentResource
{
    /// <summary>The Pulumi.Eks component; node groups depend on it, which waits for its add-ons too.</summary>
    public Pulumi.Eks.Cluster Cluster { get; }

    /// <summary>The role EKS runs the control plane with (<c>&lt;cluster&gt;-cluster</c>).</summary>
    public Pulumi.Aws.Iam.Role ClusterRole { get; }

    /// <summary>The Pulumi name of the pulumi-eks component; its ServiceRole child was "&lt;this&gt;-eksRole"
    /// (cluster.ts line 530), the role in it "&lt;that&gt;-role" (servicerole.ts line 90).</summary>
    private const string PulumiEksClusterName = "eks";

    [Output] public Output<string> ClusterName { get; private set; }
    [Output] public Output<string> Endpoint { get; private set; }

    public EksCluster(string name, EksClusterArgs args, ComponentResourceOptions? options = null)
        : base("eks-ipvs:index:EksCluster", name, options)
    {
        var spec = args.Spec;
        var child = new CustomResourceOptions { Parent = this };

        Pulumi.Aws.Kms.Key? secretsKey = null;
        if (spec.SecretsEncryption)
        {
            secretsKey = new Pulumi.Aws.Kms.Key("secrets", new Pulumi.Aws.Kms.KeyArgs
            {
                Description = $"Envelope encryption of Kubernetes secrets in EKS cluster {spec.ClusterName}",
                EnableKeyRotation = true,
                Tags = spec.TagsNamed($"{spec.ClusterName}-secrets"),
            }, child);
            new Pulumi.Aws.Kms.Alias("secrets", new Pulumi.Aws.Kms.AliasArgs
            {
                Name = $"alias/eks/{spec.ClusterName}",
                TargetKeyId = secretsKey.KeyId,
            }, child);
        }

        // Created before the cluster so EKS writes into it: EKS's own log group would keep every log for ever.
        var logGroup = new Pulumi.Aws.CloudWatch.LogGroup("control-plane", new Pulumi.Aws.CloudWatch.LogGroupArgs
        {
            Name = spec.ControlPlaneLogGroupName,
            RetentionInDays = spec.ControlPlaneLogRetentionDays,
            Tags = spec.TagsNamed(spec.ControlPlaneLogGroupName),
        }, child);

        // The cluster role is the program's own, so it has a name the deploy policy can scope (<cluster>-cluster)
        // and the boundary. Given serviceRole, pulumi-eks v4.3.0 creates no role (nodejs/eks/cluster/cluster.ts lines
        // 514-543: the ServiceRole component only `if (!args.serviceRole)`) and uses this one's ARN (lines 691-693).
        // A stack created before took pulumi-eks's role: the alias makes this resource that role, and since a new
        // role ARN would replace the EKS cluster (EKS cannot change a cluster's role), its name is left as it is.
        var clusterRole = new Pulumi.Aws.Iam.Role("cluster-role", StackRoleArgs.For(spec, StackRoles.ClusterRoleName(spec.ClusterName),
            StackRoles.ClusterAssumeRolePolicy, StackRoles.ClusterRoleDescription), new CustomResourceOptions
        {
            Parent = this,
            IgnoreChanges = { "name" },
            Aliases = { new Alias { Name = $"{PulumiEksClusterName}-eksRole-role", ParentUrn = PulumiEksServiceRoleUrn() } },
        });
        var clusterPolicies = StackRoles.ClusterPolicyArns(args.Deployer.Partition).Select(arn =>
        {
            var policy = arn[(arn.LastIndexOf('/') + 1)..];
            return new Pulumi.Aws.Iam.RolePolicyAttachment($"cluster-{policy}", new Pulumi.Aws.Iam.RolePolicyAttachmentArgs
            {
                Role = clusterRole.Name,
                PolicyArn = arn,
            }, new CustomResourceOptions
            {
                Parent = this,
                // pulumi-eks named its attachment after the first 8 hex digits of the SHA-1 of the aws-partition
                // ARN (nodejs/eks/servicerole.ts lines 19-25, 102-103).
                Aliases = { new Alias { Name = $"{PulumiEksClusterName}-eksRole-{StackRoles.PulumiEksAttachmentHash(policy)}", ParentUrn = PulumiEksServiceRoleUrn() } },
            });
        }).ToList();

        var clusterArgs = new ClusterArgs
        {
            ServiceRole = clusterRole,
            Name = spec.ClusterName,
            Version = spec.KubernetesVersion,
            VpcId = args.Network.VpcId,
            PublicSubnetIds = args.Network.PublicSubnetIds,
            PrivateSubnetIds = args.Network.PrivateSubnetIds,
            SkipDefaultNodeGroup = true, // node groups are ours, below, each with its user data
            AuthenticationMode = AuthenticationMode.Api,
            CreateOidcProvider = true,
            EndpointPrivateAccess = spec.EndpointPrivateAccess,
            EndpointPublicAccess = spec.EndpointPublicAccess,
            EnabledClusterLogTypes = spec.ControlPlaneLogs.ToList(),
            // Versions from the spec, never pulumi-eks's getAddonVersion(mostRecent: true), which would move the
            // add-ons (and restart kube-proxy and aws-node on every node) whenever AWS publishes a build.
            KubeProxyAddonOptions = spec.KubeProxyManagement == KubeProxyManagement.Addon
                ? new KubeProxyAddonOptionsArgs { Version = spec.AddonVersions.KubeProxy!, ConfigurationValues = KubeProxyConfig.For(spec).ToDictionary() }
                : new KubeProxyAddonOptionsArgs { Enabled = false }, // EKS's self-managed DaemonSet stays; see SelfManagedKubeProxy
            VpcCniOptions = new VpcCniOptionsArgs
            {
                AddonVersion = spec.AddonVersions.VpcCni,
                ConfigurationValues = VpcCniConfig.For(spec).ToDictionary(),
                EnableNetworkPolicy = spec.NetworkPolicy,
            },
            // CoreDNS is ours (CoreDns.cs), created after the node groups; pulumi-eks would create it only with a
            // default node group or Fargate anyway, but this says so.
            CorednsAddonOptions = new CoreDnsAddonOptionsArgs { Enabled = false },
            // Managed nodes and the control plane share the security group EKS creates (all traffic within it); the
            // extra cluster and node groups pulumi-eks would add are attached to no node (nodejs/eks/cluster/cluster.ts).
            SkipDefaultSecurityGroups = true,
            Tags = new Dictionary<string, string>(spec.StackTags), // the stack tag scopes eks:CreateCluster
        };
        if (secretsKey is not null)
        {
            clusterArgs.EncryptionConfigKeyArn = secretsKey.Arn;
        }
        if (spec.EndpointPublicAccess)
        {
            // pulumi-eks rejects any public CIDR list, even an empty one, when the public endpoint is off.
            clusterArgs.PublicAccessCidrs = spec.EndpointPublicAccessCidrs.ToList();
        }
        // After the role's policies too: EKS refuses a role without AmazonEKSClusterPolicy (pulumi-eks waited the same
        // way, cluster.ts lines 756-759).
        var clusterOptions = new ComponentResourceOptions { Parent = this, DependsOn = { logGroup } };
        clusterOptions.DependsOn.Add(clusterPolicies.Select(p => (Input<Resource>)p).ToArray());
        Cluster = new Pulumi.Eks.Cluster(PulumiEksClusterName, clusterArgs, clusterOptions);

        if (secretsKey is not null)
        {
            // The key policy names the cluster role as the key's user.
            new Pulumi.Aws.Kms.KeyPolicy("secrets", new Pulumi.Aws.Kms.KeyPolicyArgs
            {
                KeyId = secretsKey.KeyId,
                Policy = clusterRole.Arn.Apply(role =>
                    SecretsKeyPolicy.KeyPolicy(args.Deployer.Partition, args.Deployer.AccountId, args.Deployer.Arn, role)),
            }, child);
            new Pulumi.Aws.Iam.RolePolicy("cluster-encryption", new Pulumi.Aws.Iam.RolePolicyArgs
            {
                Role = clusterRole.Name,
                Policy = secretsKey.Arn.Apply(SecretsKeyPolicy.ClusterRolePolicy),
            }, child);
        }

        ClusterRole = clusterRole;
        ClusterName = Cluster.EksCluster.Apply(c => c.Name);
        Endpoint = Cluster.EksCluster.Apply(c => c.Endpoint);
        RegisterOutputs();
    }

    /// <summary>The URN pulumi-eks's ServiceRole component had in a stack created before this program had a cluster
    /// role of its own: child of the Cluster component "eks", itself a child of this component.</summary>
    private Output<string> PulumiEksServiceRoleUrn() =>
        global::Pulumi.Urn.Create($"{PulumiEksClusterName}-eksRole", "eks:index:ServiceRole",
            parentUrn: global::Pulumi.Urn.Create(PulumiEksClusterName, "eks:index:Cluster", parent: this));

}
