using System.Collections.Immutable;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Iam;
using Pulumi;
using static EksIpvs.Infra.Tests.StackRun;

namespace EksIpvs.Infra.Tests;

/// <summary>The Pulumi program under mocks. Pulumi.Eks components are remote, so what is asserted is what the
/// program hands them: their inputs.</summary>
public class StackTests
{
    [Theory]
    [InlineData("rr")]
    [InlineData("wlc")]
    public async Task Kube_proxy_add_on_values_are_the_specs_object(string scheduler)
    {
        var run = await With(("ipvsScheduler", scheduler));
        var cluster = run.Single("eks:index:Cluster", "eks");
        var values = Map(cluster.Inputs["kubeProxyAddonOptions"])["configurationValues"];
        Assert.Equal(Json(KubeProxyConfig.For(SpecFor(("ipvsScheduler", scheduler))).ToCompactJson()), Json(values));
        Assert.Contains($"\"scheduler\":\"{scheduler}\"", Json(values));
    }

    [Fact]
    public async Task Vpc_cni_values_carry_the_bandwidth_env_and_network_policy_off()
    {
        var run = await With();
        var options = Map(run.Single("eks:index:Cluster", "eks").Inputs["vpcCniOptions"]);
        Assert.Equal(Json(VpcCniConfig.For(SpecFor()).ToCompactJson()), Json(options["configurationValues"]));
        Assert.Equal("true", Map(Map(options["configurationValues"])["env"])["ENABLE_BANDWIDTH_PLUGIN"]);
        // Every value pulumi-eks would otherwise default is ours, at production log levels.
        Assert.Equal("INFO", Map(Map(options["configurationValues"])["env"])["AWS_VPC_K8S_CNI_LOGLEVEL"]);
        Assert.Equal(false, options["enableNetworkPolicy"]);
    }

    [Fact]
    public async Task Subnets_follow_the_plan_with_the_load_balancer_tags()
    {
        var run = await With(("tags", """{"team":"platform"}"""));
        var plan = SpecFor().Subnets.InZones(Zones);
        foreach (var (zone, subnets) in plan)
        {
            var publicSubnet = run.Single("aws:ec2/subnet:Subnet", $"public-{zone}").Inputs;
            Assert.Equal((subnets.Public.ToString(), zone), (publicSubnet["cidrBlock"], publicSubnet["availabilityZone"]));
            Assert.Equal("1", Map(publicSubnet["tags"])["kubernetes.io/role/elb"]);
            Assert.Equal("platform", Map(publicSubnet["tags"])["team"]);

            var privateSubnet = run.Single("aws:ec2/subnet:Subnet", $"private-{zone}").Inputs;
            Assert.Equal((subnets.Private.ToString(), zone), (privateSubnet["cidrBlock"], privateSubnet["availabilityZone"]));
            Assert.Equal("1", Map(privateSubnet["tags"])["kubernetes.io/role/internal-elb"]);
            Assert.False(Map(privateSubnet["tags"]).ContainsKey("kubernetes.io/role/elb"));
        }
        Assert.Equal(6, run.OfType("aws:ec2/subnet:Subnet").Count());
        Assert.Equal(true, run.Single("aws:ec2/vpc:Vpc", "vpc").Inputs["enableDnsHostnames"]);
        Assert.Contains(run.Calls, c => c.Token == "aws:index/getAvailabilityZones:getAvailabilityZones");
    }

    [Theory]
    [InlineData("onePerAz", 3)]
    [InlineData("single", 1)]
    public async Task Nat_gateways_as_configured(string mode, int count)
    {
        var run = await With(("natGateways", mode));
        Assert.Equal(count, run.OfType("aws:ec2/natGateway:NatGateway").Count());
        Assert.Equal(count, run.OfType("aws:ec2/eip:Eip").Count());
        Assert.All(run.OfType("aws:ec2/eip:Eip"), e => Assert.Equal("vpc", e.Inputs["domain"]));
        Assert.Equal(3, run.OfType("aws:ec2/routeTable:RouteTable").Count(r => r.Name!.StartsWith("private-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Logging_and_secrets_encryption_are_on_by_default()
    {
        var run = await With();
        var cluster = run.Single("eks:index:Cluster", "eks").Inputs;
        Assert.Equal(Json(new[] { "api", "audit", "authenticator" }), Json(cluster["enabledClusterLogTypes"]));
        var key = run.Single("aws:kms/key:Key", "secrets").Inputs;
        Assert.Equal(true, key["enableKeyRotation"]);
        var logGroup = run.Single("aws:cloudwatch/logGroup:LogGroup", "control-plane").Inputs;
        Assert.Equal(("/aws/eks/eks-ipvs-test/cluster", 90.0), (logGroup["name"], logGroup["retentionInDays"]));
        Assert.Equal("arn:aws:mock:::secrets", cluster["encryptionConfigKeyArn"]);
        Assert.Equal("API", cluster["authenticationMode"]);
        Assert.Equal(true, cluster["skipDefaultNodeGroup"]);
        Assert.Equal((true, false), (cluster["endpointPrivateAccess"], cluster["endpointPublicAccess"]));
        Assert.False(cluster.ContainsKey("publicAccessCidrs"));
    }

    [Fact]
    public async Task Secrets_encryption_off_creates_no_key()
    {
        var run = await With(("secretsEncryption", "false"));
        Assert.Empty(run.OfType("aws:kms/key:Key"));
        Assert.False(run.Single("eks:index:Cluster", "eks").Inputs.ContainsKey("encryptionConfigKeyArn"));
    }

    [Fact]
    public async Task The_node_role_has_only_the_four_policies_nodes_need()
    {
        var run = await With();
        Assert.Contains("ec2.amazonaws.com", (string)run.Single("aws:iam/role:Role", "node").Inputs["assumeRolePolicy"]);
        Assert.Equal(NodeRole.PolicyArns("aws").Order(StringComparer.Ordinal),
            run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").Where(a => a.Name!.StartsWith("node-", StringComparison.Ordinal))
                .Select(a => (string)a.Inputs["policyArn"]).Order(StringComparer.Ordinal));
        // The cluster role's one attachment is its own (EksCluster.cs), never the node role's.
        Assert.Equal(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
            run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").Where(a => !a.Name!.StartsWith("node-", StringComparison.Ordinal))
                .Select(a => (string)a.Inputs["policyArn"]));
    }

    [Fact]
    public async Task Outputs_exist_and_the_kubeconfig_is_secret()
    {
        var run = await With();
        Assert.Equal(
            ["clusterName", "coreDnsVersion", "endpoint", "ipvsScheduler", "kubeconfig", "kubernetesVersion", "nodeGroupNames", "oidcProviderArn", "privateSubnetIds", "proxyMode", "publicSubnetIds", "vpcId"],
            run.Outputs.Keys.Order(StringComparer.Ordinal));
        Assert.True(await Output.IsSecretAsync((Output<string>)run.Outputs["kubeconfig"]!));
        Assert.Equal(("ipvs", "rr"), (run.Outputs["proxyMode"], run.Outputs["ipvsScheduler"]));
    }

    [Fact]
    public async Task With_the_add_on_nothing_kubernetes_side_is_created()
    {
        var run = await With(("ipvsScheduler", "wrr"));
        Assert.DoesNotContain(run.Registered, r => r.Type!.StartsWith("kubernetes:", StringComparison.Ordinal) || r.Type == "pulumi:providers:kubernetes");
        Assert.False(Map(run.Single("eks:index:Cluster", "eks").Inputs["kubeProxyAddonOptions"]).ContainsKey("enabled"));
    }

    [Fact]
    public async Task Self_managed_kube_proxy_gets_the_specs_mode_in_its_config_map_and_a_rollout_annotation()
    {
        var config = new[] { ("kubeProxyManagement", "selfManaged"), ("ipvsScheduler", "sed") };
        var run = await With(config);
        var spec = SpecFor(config);
        Assert.Equal(false, Map(run.Single("eks:index:Cluster", "eks").Inputs["kubeProxyAddonOptions"])["enabled"]);
        Assert.Single(run.OfType("pulumi:providers:kubernetes"));

        var configMap = run.Single("kubernetes:core/v1:ConfigMapPatch", "kube-proxy-config").Inputs;
        Assert.Equal(KubeProxyConfigMap.Rewrite(LiveKubeProxyConfig, spec), Map(configMap["data"])["config"]);
        Assert.Contains("scheduler: sed", (string)Map(configMap["data"])["config"]);
        Assert.Equal(("kube-proxy-config", "kube-system", "true"),
            (Map(configMap["metadata"])["name"], Map(configMap["metadata"])["namespace"], Map(Map(configMap["metadata"])["annotations"])["pulumi.com/patchForce"]));

        var daemonSet = run.Single("kubernetes:apps/v1:DaemonSetPatch", "kube-proxy").Inputs;
        var template = Map(Map(Map(daemonSet["spec"])["template"])["metadata"]);
        Assert.Equal("mode=ipvs,scheduler=sed", Map(template["annotations"])[KubeProxyConfig.RolloutAnnotation]);
    }

    [Fact]
    public async Task The_self_managed_rollout_annotation_changes_only_with_mode_or_scheduler()
    {
        static async Task<object> Annotation(params (string, string)[] config)
        {
            var run = await With([("kubeProxyManagement", "selfManaged"), .. config]);
            var daemonSet = run.Single("kubernetes:apps/v1:DaemonSetPatch", "kube-proxy").Inputs;
            return Map(Map(Map(Map(daemonSet["spec"])["template"])["metadata"])["annotations"])[KubeProxyConfig.RolloutAnnotation];
        }
        var rr = await Annotation();
        Assert.Equal(rr, await Annotation(("natGateways", "single"), ("tags", """{"a":"b"}""")));
        Assert.NotEqual(rr, await Annotation(("ipvsScheduler", "wrr")));
        Assert.NotEqual(rr, await Annotation(("proxyMode", "iptables")));
    }

    [Fact]
    public async Task A_region_with_too_few_zones_fails_before_any_resource()
    {
        var (run, error) = await Try(("availabilityZoneCount", "5"));
        Assert.NotNull(error);
        Assert.Contains("eks-ipvs:availabilityZoneCount = 5, but the region offers only 4 available zones (eu-west-1a, eu-west-1b, eu-west-1c, eu-west-1d); allowed here: 2 to 4",
            error.ToString());
        Assert.DoesNotContain(run.Registered, r => r.Type != "pulumi:pulumi:Stack");
    }

    [Fact]
    public async Task An_invalid_stack_fails_before_any_resource_with_every_message()
    {
        var (run, error) = await Try(("ipvsScheduler", "fifo"), ("schedular", "rr"));
        Assert.NotNull(error);
        var message = error.ToString();
        Assert.Contains("eks-ipvs:ipvsScheduler = \"fifo\": not an IPVS scheduler kube-proxy accepts; allowed: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq", message);
        Assert.Contains("eks-ipvs:schedular = \"rr\": unknown key; did you mean ipvsScheduler?", message);
        Assert.DoesNotContain(run.Registered, r => r.Type != "pulumi:pulumi:Stack");
        Assert.Empty(run.Calls);
    }
}
