namespace EksIpvs.Core.Iam;

/// <summary>Where an IAM statement may act. Names in ARNs where AWS puts them there (EKS, logs, the KMS alias, the
/// stack's roles); the stack tag (<see cref="StackRoles.TagKey"/>) where AWS identifies a resource by an id (VPCs,
/// subnets, launch templates, keys); "*" only for what the Service Authorization Reference gives no resource or
/// condition to scope by (README, "What the deploy role can and cannot do").</summary>
public enum DeployScope
{
    Any,
    EksCreate,        // eks:CreateCluster (no resource) with the stack tag in the request
    EksCluster,       // arn:aws:eks:*:*:cluster/<cluster>
    EksChildren,      // add-ons, node groups and access entries of that cluster
    ControlPlaneLogs, // the control-plane log group
    Ec2Create,        // a new VPC, subnet, ... only with the stack tag in the request
    Ec2TagOnCreate,   // ec2:CreateTags only inside those create calls
    Ec2Stack,         // change and delete only what carries the stack tag
    Ec2RunInstances,  // the parts of RunInstances that exist only once launched (instance, volume, ENI) or are AWS's (AMI)
    KmsCreate,        // kms:CreateKey with the stack tag in the request
    KmsStackKey,      // keys carrying the stack tag
    KmsAlias,         // alias/eks/<cluster>
    OidcProvider,     // EKS OIDC providers (pulumi-eks does not tag the one it creates)
    ReadRoles,        // iam:GetRole of any role: getSessionContext resolves the deployer's own role
    StackRoles,       // <cluster>-cluster and <cluster>-node: read, describe, detach, delete
    StackRolesBounded,  // create them and put policies in them only with the boundary
    AttachStackPolicies, // attach only the managed policies the stack uses, only with the boundary
    PassStackRoles,   // iam:PassRole of the stack's roles, only to eks.amazonaws.com
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

    /// <summary>On the stack's roles by name. UpdateAssumeRolePolicy is safe there: both roles carry the boundary.</summary>
    private static readonly string[] RoleActions =
    [
        "iam:GetRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription",
        "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ];

    /// <summary>Only when the role carries the boundary (iam:PermissionsBoundary), which caps whatever it is given.</summary>
    private static readonly string[] BoundedRoleActions = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"];

    private static readonly string[] AttachmentActions = ["iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"];

    private static readonly string[] EksTagging = ["eks:TagResource", "eks:UntagResource", "eks:ListTagsForResource", "eks:DescribeUpdate"];

    /// <summary>Pulumi type token (resource or function) → what it needs. A type with no AWS call maps to nothing.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<DeployPermission>> Table =
        new SortedDictionary<string, IReadOnlyList<DeployPermission>>(StringComparer.Ordinal)
        {
            // Functions.
            ["aws:index/getAvailabilityZones:getAvailabilityZones"] = [new(DeployScope.Any, ["ec2:DescribeAvailabilityZones"])],
            ["aws:index/getPartition:getPartition"] = [], // answered by the provider itself
            ["aws:index/getCallerIdentity:getCallerIdentity"] = [], // sts:GetCallerIdentity needs no permission
            ["aws:iam/getSessionContext:getSessionContext"] = [new(DeployScope.ReadRoles, ["iam:GetRole"])],

            // The network: created only with the stack tag, changed and deleted only when it carries it.
            ["aws:ec2/vpc:Vpc"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateVpc"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute", .. Ec2Tags]),
                new(DeployScope.Any, ["ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups"]),
            ],
            ["aws:ec2/subnet:Subnet"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateSubnet"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", .. Ec2Tags]), // CreateSubnet: in the stack's VPC
                new(DeployScope.Any, ["ec2:DescribeSubnets"]),
            ],
            ["aws:ec2/internetGateway:InternetGateway"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateInternetGateway"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", .. Ec2Tags]),
                new(DeployScope.Any, ["ec2:DescribeInternetGateways"]),
            ],
            ["aws:ec2/routeTable:RouteTable"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateRouteTable"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
                    .. Ec2Tags]),
                new(DeployScope.Any, ["ec2:DescribeRouteTables"]),
            ],
            ["aws:ec2/routeTableAssociation:RouteTableAssociation"] =
            [
                new(DeployScope.Ec2Stack, ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"]),
                new(DeployScope.Any, ["ec2:DescribeRouteTables"]),
            ],
            ["aws:ec2/eip:Eip"] =
            [
                new(DeployScope.Ec2Create, ["ec2:AllocateAddress"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:ReleaseAddress", "ec2:DisassociateAddress", .. Ec2Tags]),
                new(DeployScope.Any, ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"]),
            ],
            ["aws:ec2/natGateway:NatGateway"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateNatGateway"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", .. Ec2Tags]), // CreateNatGateway: the stack's subnet and EIP
                new(DeployScope.Any, ["ec2:DescribeNatGateways"]),
            ],

            // Nodes.
            ["aws:ec2/launchTemplate:LaunchTemplate"] =
            [
                new(DeployScope.Ec2Create, ["ec2:CreateLaunchTemplate"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Ec2Stack, ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate",
                    "ec2:DeleteLaunchTemplateVersions", .. Ec2Tags]),
                new(DeployScope.Any, ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"]),
            ],
            ["aws:iam/role:Role"] = [new(DeployScope.StackRoles, RoleActions), new(DeployScope.StackRolesBounded, BoundedRoleActions)],
            ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] =
                [new(DeployScope.StackRoles, AttachmentActions), new(DeployScope.AttachStackPolicies, ["iam:AttachRolePolicy"])],
            ["aws:iam/rolePolicy:RolePolicy"] =
                [new(DeployScope.StackRoles, ["iam:GetRolePolicy", "iam:DeleteRolePolicy"]), new(DeployScope.StackRolesBounded, ["iam:PutRolePolicy"])],
            ["eks:index:ManagedNodeGroup"] =
            [
                new(DeployScope.EksCluster, ["eks:CreateNodegroup"]),
                new(DeployScope.EksChildren, ["eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:UpdateNodegroupVersion",
                    "eks:DeleteNodegroup", .. EksTagging]),
                // EKS launches the nodes from our launch template with the caller's rights: from the stack's
                // template into the stack's subnets; instance, volumes and ENIs get the template's (stack) tags.
                new(DeployScope.Ec2Stack, ["ec2:RunInstances"]),
                new(DeployScope.Ec2RunInstances, ["ec2:RunInstances"]),
                new(DeployScope.Ec2TagOnCreate, ["ec2:CreateTags"]),
                new(DeployScope.Any, ["ec2:DescribeLaunchTemplateVersions"]),
                new(DeployScope.PassStackRoles, ["iam:PassRole"]),
                new(DeployScope.EksServiceLinkedRoles, ["iam:CreateServiceLinkedRole"]),
            ],

            // The cluster: pulumi-eks's aws.eks.Cluster, the OIDC provider, the kube-proxy and vpc-cni add-ons. The cluster
            // role is the program's own (aws:iam/role:Role), given to pulumi-eks as serviceRole.
            ["eks:index:Cluster"] =
            [
                new(DeployScope.EksCreate, ["eks:CreateCluster"]), // CreateCluster takes no resource ARN; the tag scopes it
                new(DeployScope.Any, ["eks:DescribeAddonVersions"]),
                new(DeployScope.EksCluster, ["eks:DescribeCluster", "eks:UpdateClusterConfig", "eks:UpdateClusterVersion", "eks:ListUpdates",
                    "eks:DeleteCluster", "eks:CreateAddon", .. EksTagging]),
                new(DeployScope.EksChildren, ["eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon", .. EksTagging]),
                new(DeployScope.PassStackRoles, ["iam:PassRole"]),
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
            ["aws:kms/key:Key"] =
            [
                new(DeployScope.KmsCreate, ["kms:CreateKey"]),
                new(DeployScope.KmsStackKey, ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
                    "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource", "kms:UntagResource",
                    "kms:ScheduleKeyDeletion", "kms:CreateGrant"]), // CreateGrant: EKS CreateCluster with the key
            ],
            ["aws:kms/keyPolicy:KeyPolicy"] = [new(DeployScope.KmsStackKey, ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey"])],
            ["aws:kms/alias:Alias"] =
            [
                // An alias call is authorised on the alias and on the key it names.
                new(DeployScope.KmsAlias, ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]),
                new(DeployScope.KmsStackKey, ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]),
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

    /// <summary>The EC2 resource types the stack creates and then changes; the tag decides which of them are its own.</summary>
    private static readonly string[] Ec2Types = ["vpc", "subnet", "internet-gateway", "route-table", "elastic-ip", "natgateway", "launch-template"];

    /// <summary>The create calls in which ec2:CreateTags may tag (tag-on-create).</summary>
    private static readonly string[] Ec2CreateActions =
        ["CreateVpc", "CreateSubnet", "CreateInternetGateway", "CreateRouteTable", "AllocateAddress", "CreateNatGateway", "CreateLaunchTemplate", "RunInstances"];

    /// <summary>The statement's resources for one scope.</summary>
    private static IReadOnlyList<string> Resources(DeployScope scope, string partition, string cluster) => scope switch
    {
        DeployScope.EksCluster => [$"arn:{partition}:eks:*:*:cluster/{cluster}"],
        DeployScope.EksChildren => [$"arn:{partition}:eks:*:*:addon/{cluster}/*", $"arn:{partition}:eks:*:*:nodegroup/{cluster}/*",
            $"arn:{partition}:eks:*:*:access-entry/{cluster}/*", $"arn:{partition}:eks:*:*:cluster/{cluster}"],
        DeployScope.ControlPlaneLogs => [$"arn:{partition}:logs:*:*:log-group:/aws/eks/{cluster}/cluster", $"arn:{partition}:logs:*:*:log-group:/aws/eks/{cluster}/cluster:*"],
        DeployScope.Ec2Create or DeployScope.Ec2Stack => Ec2Types.Select(t => $"arn:{partition}:ec2:*:*:{t}/*").ToList(),
        DeployScope.Ec2TagOnCreate => [.. Ec2Types.Select(t => $"arn:{partition}:ec2:*:*:{t}/*"), .. Ec2Launched(partition)],
        DeployScope.Ec2RunInstances => [.. Ec2Launched(partition), $"arn:{partition}:ec2:*::image/*", $"arn:{partition}:ec2:*:*:security-group/*"],
        DeployScope.KmsStackKey => [$"arn:{partition}:kms:*:*:key/*"],
        DeployScope.KmsAlias => [$"arn:{partition}:kms:*:*:alias/eks/{cluster}"],
        DeployScope.OidcProvider => [$"arn:{partition}:iam::*:oidc-provider/oidc.eks.*"],
        DeployScope.ReadRoles => [$"arn:{partition}:iam::*:role/*"],
        DeployScope.StackRoles or DeployScope.StackRolesBounded or DeployScope.AttachStackPolicies or DeployScope.PassStackRoles =>
            StackRoles.Names(cluster).Select(n => $"arn:{partition}:iam::*:role/{n}").ToList(),
        DeployScope.EksServiceLinkedRoles => [$"arn:{partition}:iam::*:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
            $"arn:{partition}:iam::*:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup"],
        _ => ["*"],
    };

    /// <summary>What RunInstances creates: the node's instance, its volumes and network interfaces.</summary>
    private static IEnumerable<string> Ec2Launched(string partition) =>
        new[] { "instance", "volume", "network-interface" }.Select(t => $"arn:{partition}:ec2:*:*:{t}/*");

    private static Dictionary<string, object> Condition(string op, string key, object value) =>
        new() { [op] = new Dictionary<string, object> { [key] = value } };

    private static Dictionary<string, object>? Condition(DeployScope scope, string cluster, string boundary, string partition) => scope switch
    {
        DeployScope.EksCreate or DeployScope.Ec2Create or DeployScope.KmsCreate =>
            Condition("StringEquals", $"aws:RequestTag/{StackRoles.TagKey}", cluster),
        DeployScope.Ec2Stack or DeployScope.KmsStackKey => Condition("StringEquals", $"aws:ResourceTag/{StackRoles.TagKey}", cluster),
        DeployScope.Ec2TagOnCreate => Condition("StringEquals", "ec2:CreateAction", Ec2CreateActions),
        DeployScope.StackRolesBounded => Condition("ArnLike", "iam:PermissionsBoundary", boundary),
        DeployScope.AttachStackPolicies => new()
        {
            ["ArnLike"] = new Dictionary<string, object> { ["iam:PermissionsBoundary"] = boundary },
            ["ArnEquals"] = new Dictionary<string, object> { ["iam:PolicyARN"] = StackRoles.AttachablePolicyArns(partition) },
        },
        DeployScope.PassStackRoles => Condition("StringEquals", "iam:PassedToService", "eks.amazonaws.com"),
        DeployScope.EksServiceLinkedRoles => Condition("StringEquals", "iam:AWSServiceName", new[] { "eks.amazonaws.com", "eks-nodegroup.amazonaws.com" }),
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
            if (Condition(kv.Key, spec.ClusterName, StackRoles.BoundaryArn(spec, partition), partition) is { } condition)
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
