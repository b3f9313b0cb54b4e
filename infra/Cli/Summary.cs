using System.Text;
using EksIpvs.Core;
using EksIpvs.Core.Addons;
using EksIpvs.Core.Iam;
using EksIpvs.Core.Nodes;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Cli;

/// <summary>The human-readable account of what `pulumi up` would create for a stack.</summary>
public static class Summary
{
    /// <param name="secrets">The project's keys holding secrets, which the offline render cannot decrypt.</param>
    /// <param name="region">The stack file's aws:region, <see cref="StackConfig.SecretValue"/> when it is a secret, or
    /// null when it sets none.</param>
    public static string Of(ClusterSpec spec, IReadOnlyList<ConfigIssue> warnings, IReadOnlyList<string>? secrets = null, string? region = null)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line($"Stack {spec.Stack} of {spec.Project}: EKS cluster {spec.ClusterName}, Kubernetes {spec.KubernetesVersion}");
        // Without aws:region the AWS provider falls back to the environment of whoever runs pulumi up: say so.
        Line(region switch
        {
            null => "Region: not in the stack file (no aws:region); pulumi up takes it from AWS_REGION (or AWS_DEFAULT_REGION) or the AWS profile " +
                    "of the shell that runs it, and principals are checked against its partition only then",
            StackConfig.SecretValue => "Region: aws:region is a secret, decrypted only by pulumi up, which checks principals against its partition",
            _ => $"Region: {region} (aws:region), partition {AwsPartitions.Of(region)}",
        });
        Line();
        Line($"VPC {spec.VpcCidr} across {spec.AvailabilityZoneCount} availability zones, " +
             (spec.NatGateways == NatGatewayMode.Single ? "one NAT gateway (in the first zone)" : "a NAT gateway in every zone"));
        foreach (var zone in spec.Subnets.Zones)
        {
            Line($"  zone {zone.Index + 1}: private {zone.Private} (nodes, pods; internal-elb), public {zone.Public} (elb, NAT)");
        }
        var endpoint = spec.EndpointPublicAccess ? $"public from {string.Join(", ", spec.EndpointPublicAccessCidrs)}" : "not public";
        Line($"API endpoint: {(spec.EndpointPrivateAccess ? "private in the VPC" : "no private access")}; {endpoint}");
        Line("Kubernetes API access (EKS access entries):");
        // pulumi-eks v4.3.0 always sets EKS's bootstrapClusterCreatorAdminPermissions (nodejs/eks/cluster/cluster.ts).
        Line("  the identity that creates the cluster (the first pulumi up): clusterAdmin, always");
        foreach (var entry in spec.AccessEntries)
        {
            Line($"  {entry.PrincipalArn}: {entry.AccessName}" +
                 (entry.Namespaces.Count == 0 ? "" : $" in namespaces {string.Join(", ", entry.Namespaces)}"));
        }
        Line($"Secrets encryption: {(spec.SecretsEncryption ? "KMS key of the stack's own, rotation on" : "off")}; " +
             $"control-plane logs: {(spec.ControlPlaneLogs.Count == 0 ? "none" : string.Join(", ", spec.ControlPlaneLogs))}, " +
             $"kept {(spec.ControlPlaneLogRetentionDays == 0 ? "for ever" : $"{spec.ControlPlaneLogRetentionDays} days")}");
        Line($"IAM roles: {string.Join(", ", StackRoles.Names(spec.ClusterName))}; permissions boundary: " +
             (spec.PermissionsBoundaryArn ?? "none (set permissionsBoundaryArn for a pipeline deploying with deploy-policy.json)"));
        Line();
        Line($"kube-proxy: mode {spec.ProxyModeName}{(spec.IpvsScheduler is { } s ? $", scheduler {s}" : "")} " +
             (spec.KubeProxyManagement == KubeProxyManagement.Addon
                 ? "(EKS add-on configured at creation, before any node joins)"
                 : "(self-managed DaemonSet: kube-system/kube-proxy-config patched before any node joins)"));
        var addons = spec.AddonVersions;
        Line($"Add-on versions (pinned): kube-proxy {addons.KubeProxy ?? "not an add-on (self-managed)"}, vpc-cni {addons.VpcCni}, " +
             $"coredns {addons.CoreDns} (created after the node groups, {CoreDnsConfig.Replicas} replicas spread across zones)");
        Line($"Pod bandwidth annotations: {(spec.BandwidthPlugin ? "honoured (CNI bandwidth plugin)" : "ignored (bandwidthPlugin false)")}; " +
             $"network policy: {(spec.NetworkPolicy ? "on" : "off")}");
        Line();
        Line("Node groups:");
        foreach (var group in spec.NodeGroups)
        {
            Line($"  {group.Name}: {group.OperatingSystem} {(group.Architecture == CpuArchitecture.Arm64 ? "arm64" : "x86_64")}, " +
                 $"{string.Join(", ", group.InstanceTypes)} {group.CapacityType}, " +
                 $"min {group.MinSize} / desired {group.DesiredSize} / max {group.MaxSize}, {group.DiskSize} GiB");
            if (group.Labels.Count > 0)
            {
                Line($"    labels: {string.Join(", ", group.Labels.Select(l => $"{l.Key}={l.Value}"))}");
            }
            if (group.Taints.Count > 0)
            {
                Line($"    taints: {string.Join(", ", group.Taints.Select(t => $"{t.Key}={t.Value}:{t.Effect}"))}");
            }
            var bootstrap = NodeBootstrap.For(spec, group);
            var (bytes, limit) = (bootstrap.UserDataBytes, UserDataBudget.LimitFor(group));
            Line($"    user data: {bytes:N0} of {limit:N0} bytes ({limit - bytes:N0} to spare); " +
                 $"AMI: {(group.AmiReleaseVersion is { } release ? $"release {release}" : "EKS's latest at creation")} ({group.AmiType}); " +
                 $"IMDSv2, hop limit {group.ImdsHopLimit}; encrypted gp3");
            foreach (var note in bootstrap.Notes)
            {
                Line($"    {note}");
            }
        }
        Line();
        Line($"Fact tables used (checked on; a table older than {FactTables.MaxAgeDays} days on the render day earns a warning): " +
             string.Join(", ", FactTables.UsedBy(spec).Select(t => $"{t.Name} {KubernetesVersions.Date(t.Checked)} ({t.File})")));
        if (secrets is { Count: > 0 })
        {
            Line();
            Line($"Secrets not decrypted offline, so not checked and shown above with their defaults: " +
                 $"{string.Join(", ", secrets.Select(k => $"{spec.Project}:{k}"))}; `pulumi up` decrypts and validates them.");
        }
        if (warnings.Count > 0)
        {
            Line();
            Line("Warnings:");
            foreach (var warning in warnings)
            {
                Line($"  - {warning}");
            }
        }
        return text.ToString();
    }
}
