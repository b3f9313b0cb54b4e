namespace EksIpvs.Core.Iam;

/// <summary>Where an IAM statement may act. Names in ARNs are used wherever AWS puts them there (EKS, logs, KMS aliases);
/// what Pulumi names randomly or AWS identifies by id (VPCs, keys, roles) can only be "*".</summary>
public enum DeployScope
{
    Any,
    EksCluster,       // arn:aws:eks:*:*:cluster/<cluster>
    EksChildren,      // add-ons, node groups and access entries of that cluster
    ControlPlaneLogs, // the control-plane log group
    KmsAlias,         // alias/eks/<cluster>, and the key it points to
    OidcProvider,     // the cluster's OIDC provider for IAM roles for service accounts
    IamRole,          // the node role, the cluster role pulumi-eks creates, the deployer's own (getSessionContext)
    PassRoleToEks,    // iam:PassRole, only to eks.amazonaws.com
    EksServiceLinkedRoles, // created once per account by the first cluster and node group
}

/// <summary>The permissions one Pulumi resource type or function needs to be previewed, updated and destroyed.</summary>
public sealed record DeployPermission(DeployScope Scope, IReadOnlyList<string> Actions);

/// <summary>
/// The IAM policy a pipeline role needs for `pulumi preview`, `up` and `destroy` of one stack: one table from every
/// resource type and function the program (and pulumi-eks v4.3.0 inside its components) uses to the API actions they
/// call, rendered with the cluster's name. Sources, checked 2026-11-29: the AWS Service Authorization Reference pages
/// for EKS, EC2, IAM, KMS and CloudWatch Logs; the EKS user guide ("Customize managed nodes with launch templates":
/// CreateNodegroup with a launch template needs ec2:RunInstances and ec2:CreateTags; "Enabling secret encryption":
/// the creator needs kms:DescribeKey and kms:CreateGrant); pulumi-eks nodejs/eks/cluster/cluster.ts (role, OIDC
/// provider, add-ons and getAddonVersion) and terraform-provider-aws's read and delete calls.
/// </summary>
public static class DeployPolicy
{
    private static readonly string[] Ec2Tags = ["ec2:CreateTags", "ec2:DeleteTags"];

    private static readonly string[] RoleActions =
    [
        "iam:CreateRole", "iam:GetRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription",
        "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ];

    private static readonly string[] AttachmentActions = ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"];

    private static readonly string[] EksTagging = ["eks:TagResource", "eks:UntagResource", "eks:ListTagsForResource", "eks:DescribeUpdate"];

    /// <summary>Pulumi type token (resource or function) → what it needs. A type with no AWS call maps to nothing.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<DeployPermission>> Table =
        new SortedDictionary<string, IReadOnlyList<DeployPermission>>(StringComparer.Ordinal)
        {
            // Functions.
            ["aws:index/getAvailabilityZones:getAvailabilityZones"] = [new(DeployScope.Any, ["ec2:DescribeAvailabilityZones"])],
            ["aws:index/getPartition:getPartition"] = [], // answered by the provider itself
            ["aws:index/getCallerIdentity:getCallerIdentity"] = [], // sts:GetCallerIdentity needs no permission
            ["aws:iam/getSessionContext:getSessionContext"] = [new(DeployScope.IamRole, ["iam:GetRole"])],

            // The network.
            ["aws:ec2/vpc:Vpc"] = [new(DeployScope.Any, ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcs",
                "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups", .. Ec2Tags])],
            ["aws:ec2/subnet:Subnet"] = [new(DeployScope.Any, ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
                "ec2:DescribeSubnets", .. Ec2Tags])],
            ["aws:ec2/internetGateway:InternetGateway"] = [new(DeployScope.Any, ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
                "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", "ec2:DescribeInternetGateways", .. Ec2Tags])],
            ["aws:ec2/routeTable:RouteTable"] = [new(DeployScope.Any, ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute",
                "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:DescribeRouteTables", .. Ec2Tags])],
            ["aws:ec2/routeTableAssociation:RouteTableAssociation"] = [new(DeployScope.Any, ["ec2:AssociateRouteTable",
                "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DescribeRouteTables"])],
            ["aws:ec2/eip:Eip"] = [new(DeployScope.Any, ["ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress",
                "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", .. Ec2Tags])],
            ["aws:ec2/natGateway:NatGateway"] = [new(DeployScope.Any, ["ec2:CreateNatGateway", "ec2:DeleteNatGateway",
                "ec2:DescribeNatGateways", .. Ec2Tags])],

            // Nodes.
            ["aws:ec2/launchTemplate:LaunchTemplate"] = [new(DeployScope.Any, ["ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion",
                "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:DeleteLaunchTemplateVersions", "ec2:DescribeLaunchTemplates",
                "ec2:DescribeLaunchTemplateVersions", .. Ec2Tags])],
            ["aws:iam/role:Role"] = [new(DeployScope.IamRole, RoleActions)],
            ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = [new(DeployScope.IamRole, AttachmentActions)],
            ["aws:iam/rolePolicy:RolePolicy"] = [new(DeployScope.IamRole, ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"])],
            ["eks:index:ManagedNodeGroup"] =
            [
                new(DeployScope.EksCluster, ["eks:CreateNodegroup"]),
                new(DeployScope.EksChildren, ["eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:UpdateNodegroupVersion",
                    "eks:DeleteNodegroup", .. EksTagging]),
                // EKS launches the nodes from our launch template with the caller's rights.
                new(DeployScope.Any, ["ec2:RunInstances", "ec2:CreateTags", "ec2:DescribeLaunchTemplateVersions"]),
                new(DeployScope.PassRoleToEks, ["iam:PassRole"]),
                new(DeployScope.EksServiceLinkedRoles, ["iam:CreateServiceLinkedRole"]),
            ],

            // The cluster: pulumi-eks's aws.eks.Cluster, its IAM role, the OIDC provider, the kube-proxy and vpc-cni add-ons.
            ["eks:index:Cluster"] =
            [
                new(DeployScope.Any, ["eks:CreateCluster", "eks:DescribeAddonVersions"]), // CreateCluster takes no resource ARN
                new(DeployScope.EksCluster, ["eks:DescribeCluster", "eks:UpdateClusterConfig", "eks:UpdateClusterVersion", "eks:ListUpdates",
                    "eks:DeleteCluster", "eks:CreateAddon", .. EksTagging]),
                new(DeployScope.EksChildren, ["eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon", .. EksTagging]),
                new(DeployScope.IamRole, [.. RoleActions, .. AttachmentActions]),
                new(DeployScope.PassRoleToEks, ["iam:PassRole"]),
                new(DeployScope.EksServiceLinkedRoles, ["iam:CreateServiceLinkedRole"]),
                new(DeployScope.OidcProvider, ["iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider",
                    "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
                    "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider",
                    "iam:ListOpenIDConnectProviderTags"]),
            ],
            ["aws:eks/addon:Addon"] =
            [
                new(DeployScope.EksCluster, ["eks:CreateAddon"]),
                new(DeployScope.EksChildren, ["eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon", .. EksTagging]),
            ],
            ["aws:eks/accessEntry:AccessEntry"] =
            [
                new(DeployScope.EksCluster, ["eks:CreateAccessEntry"]),
                new(DeployScope.EksChildren, ["eks:DescribeAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", .. EksTagging]),
            ],
            ["aws:eks/accessPolicyAssociation:AccessPolicyAssociation"] =
                [new(DeployScope.EksChildren, ["eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy", "eks:ListAssociatedAccessPolicies"])],

            // Secrets encryption and logs.
            ["aws:kms/key:Key"] = [new(DeployScope.Any, ["kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
                "kms:ListResourceTags", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource",
                "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CreateGrant"])], // CreateGrant: EKS CreateCluster with the key
            ["aws:kms/keyPolicy:KeyPolicy"] = [new(DeployScope.Any, ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey"])],
            ["aws:kms/alias:Alias"] =
            [
                new(DeployScope.KmsAlias, ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]),
                new(DeployScope.Any, ["kms:ListAliases"]),
            ],
            ["aws:cloudwatch/logGroup:LogGroup"] =
            [
                new(DeployScope.ControlPlaneLogs, ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
                    "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource",
                    "logs:TagLogGroup", "logs:ListTagsLogGroup"]),
                new(DeployScope.Any, ["logs:DescribeLogGroups"]),
            ],

            // Through the Kubernetes API (kubeProxyManagement selfManaged): no AWS call beyond the kubeconfig's
            // `aws eks get-token`; the deploying identity's access entry decides.
            ["pulumi:providers:kubernetes"] = [],
            ["kubernetes:core/v1:ConfigMap"] = [],
            ["kubernetes:core/v1:ConfigMapPatch"] = [],
            ["kubernetes:apps/v1:DaemonSetPatch"] = [],
        };

    /// <summary>The statement's resources for one scope.</summary>
    private static IReadOnlyList<string> Resources(DeployScope scope, string partition, string cluster) => scope switch
    {
        DeployScope.EksCluster => [$"arn:{partition}:eks:*:*:cluster/{cluster}"],
        DeployScope.EksChildren => [$"arn:{partition}:eks:*:*:addon/{cluster}/*", $"arn:{partition}:eks:*:*:nodegroup/{cluster}/*",
            $"arn:{partition}:eks:*:*:access-entry/{cluster}/*", $"arn:{partition}:eks:*:*:cluster/{cluster}"],
        DeployScope.ControlPlaneLogs => [$"arn:{partition}:logs:*:*:log-group:/aws/eks/{cluster}/cluster", $"arn:{partition}:logs:*:*:log-group:/aws/eks/{cluster}/cluster:*"],
        DeployScope.KmsAlias => [$"arn:{partition}:kms:*:*:alias/eks/{cluster}", $"arn:{partition}:kms:*:*:key/*"],
        DeployScope.OidcProvider => [$"arn:{partition}:iam::*:oidc-provider/oidc.eks.*"],
        DeployScope.IamRole or DeployScope.PassRoleToEks => [$"arn:{partition}:iam::*:role/*"],
        DeployScope.EksServiceLinkedRoles => [$"arn:{partition}:iam::*:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
            $"arn:{partition}:iam::*:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup"],
        _ => ["*"],
    };

    private static Dictionary<string, object>? Condition(DeployScope scope) => scope switch
    {
        DeployScope.PassRoleToEks => new() { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "eks.amazonaws.com" } },
        DeployScope.EksServiceLinkedRoles => new()
        {
            ["StringEquals"] = new Dictionary<string, object> { ["iam:AWSServiceName"] = new[] { "eks.amazonaws.com", "eks-nodegroup.amazonaws.com" } },
        },
        _ => null,
    };

    /// <summary>The policy for a stack that registers <paramref name="types"/> (resource types and functions).</summary>
    /// <param name="partition">aws, aws-cn or aws-us-gov.</param>
    public static string For(ClusterSpec spec, IEnumerable<string> types, string partition = "aws")
    {
        var byScope = new SortedDictionary<DeployScope, SortedSet<string>>();
        foreach (var type in types.Distinct())
        {
            if (!Table.TryGetValue(type, out var permissions))
            {
                throw new InvalidOperationException($"{type} has no entry in DeployPolicy.Table: add the API actions it calls");
            }
            foreach (var permission in permissions)
            {
                var actions = byScope.TryGetValue(permission.Scope, out var set) ? set : byScope[permission.Scope] = new SortedSet<string>(StringComparer.Ordinal);
                actions.UnionWith(permission.Actions);
            }
        }
        return SpecJson.PolicyDocument(byScope.Select(kv =>
        {
            var statement = new Dictionary<string, object>
            {
                ["Sid"] = kv.Key.ToString(),
                ["Effect"] = "Allow",
                ["Action"] = kv.Value.ToList(),
                ["Resource"] = Resources(kv.Key, partition, spec.ClusterName),
            };
            if (Condition(kv.Key) is { } condition)
            {
                statement["Condition"] = condition;
            }
            return statement;
        }));
    }

    /// <summary>The types a stack of this spec registers or calls, as the program builds it (checked against the program
    /// under mocks in tests/Infra.Tests).</summary>
    public static IReadOnlyList<string> TypesFor(ClusterSpec spec)
    {
        var types = new List<string>
        {
            "aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getPartition:getPartition",
            "aws:index/getCallerIdentity:getCallerIdentity", "aws:iam/getSessionContext:getSessionContext",
            "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
            "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway",
            "aws:cloudwatch/logGroup:LogGroup", "eks:index:Cluster", "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:ec2/launchTemplate:LaunchTemplate", "eks:index:ManagedNodeGroup", "aws:eks/addon:Addon",
        };
        if (spec.SecretsEncryption)
        {
            types.AddRange(["aws:kms/key:Key", "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy", "aws:iam/rolePolicy:RolePolicy"]);
        }
        if (spec.AccessEntries.Count > 0)
        {
            types.AddRange(["aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"]);
        }
        if (spec.KubeProxyManagement == KubeProxyManagement.SelfManaged)
        {
            types.AddRange(["pulumi:providers:kubernetes", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:ConfigMapPatch",
                "kubernetes:apps/v1:DaemonSetPatch"]);
        }
        return types;
    }
}
