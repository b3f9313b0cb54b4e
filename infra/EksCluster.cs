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

        var clusterArgs = new ClusterArgs
        {
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
            Tags = new Dictionary<string, string>(spec.Tags),
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
        Cluster = new Pulumi.Eks.Cluster("eks", clusterArgs, new ComponentResourceOptions { Parent = this, DependsOn = { logGroup } });

        if (secretsKey is not null)
        {
            // After the cluster, whose role pulumi-eks creates: the key policy names it as the key's user.
            var clusterRoleArn = Cluster.EksCluster.Apply(c => c.RoleArn);
            new Pulumi.Aws.Kms.KeyPolicy("secrets", new Pulumi.Aws.Kms.KeyPolicyArgs
            {
                KeyId = secretsKey.KeyId,
                Policy = clusterRoleArn.Apply(role =>
                    SecretsKeyPolicy.KeyPolicy(args.Deployer.Partition, args.Deployer.AccountId, args.Deployer.Arn, role)),
            }, child);
            new Pulumi.Aws.Iam.RolePolicy("cluster-encryption", new Pulumi.Aws.Iam.RolePolicyArgs
            {
                Role = clusterRoleArn.Apply(SecretsKeyPolicy.RoleName),
                Policy = secretsKey.Arn.Apply(SecretsKeyPolicy.ClusterRolePolicy),
            }, child);
        }

        ClusterName = Cluster.EksCluster.Apply(c => c.Name);
        Endpoint = Cluster.EksCluster.Apply(c => c.Endpoint);
        RegisterOutputs();
    }
}
