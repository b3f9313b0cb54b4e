using System.Text.Json;
using System.Text.RegularExpressions;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Iam;

/// <summary>The EKS access policies a principal can be given (EKS user guide, "Associate access policies with access
/// entries"; checked 2026-11-29). Cluster admin applies to the whole cluster only; the others also per namespace.</summary>
public enum ClusterAccessLevel { ClusterAdmin, Admin, Edit, View }

/// <summary>One IAM principal that may use the cluster's Kubernetes API, and how much.</summary>
/// <param name="Namespaces">Empty: the whole cluster; otherwise only these namespaces.</param>
public sealed record AccessEntrySpec(string PrincipalArn, ClusterAccessLevel Access, IReadOnlyList<string> Namespaces)
{
    public string PolicyName => Access switch
    {
        ClusterAccessLevel.ClusterAdmin => "AmazonEKSClusterAdminPolicy",
        ClusterAccessLevel.Admin => "AmazonEKSAdminPolicy",
        ClusterAccessLevel.Edit => "AmazonEKSEditPolicy",
        _ => "AmazonEKSViewPolicy",
    };

    /// <summary>The partition the principal lives in (aws, aws-cn, aws-us-gov); access policies are in the same.</summary>
    public string Partition => PrincipalArn.Split(':')[1];

    public string PolicyArn => $"arn:{Partition}:eks::aws:cluster-access-policy/{PolicyName}";

    /// <summary>The access scope type EKS takes: "cluster" or "namespace".</summary>
    public string ScopeType => Namespaces.Count == 0 ? "cluster" : "namespace";

    /// <summary>A stable Pulumi resource name: the principal's account, kind and name (an ARN is unique per entry).</summary>
    public string ResourceName
    {
        get
        {
            var parts = PrincipalArn.Split(':', 6);
            return $"{parts[4]}-{parts[5].Replace('/', '-')}";
        }
    }

    public string AccessName => Access switch
    {
        ClusterAccessLevel.ClusterAdmin => "clusterAdmin",
        ClusterAccessLevel.Admin => "admin",
        ClusterAccessLevel.Edit => "edit",
        _ => "view",
    };
}

/// <summary>Reads and validates the "accessEntries" list.</summary>
public static partial class ClusterAccess
{
    private static readonly string[] Fields = ["principalArn", "access", "namespaces"];

    private static readonly IReadOnlyDictionary<string, ClusterAccessLevel> Levels = new Dictionary<string, ClusterAccessLevel>
    {
        ["clusterAdmin"] = ClusterAccessLevel.ClusterAdmin,
        ["admin"] = ClusterAccessLevel.Admin,
        ["edit"] = ClusterAccessLevel.Edit,
        ["view"] = ClusterAccessLevel.View,
    };

    private const string ArnRule =
        "the ARN of an IAM role or user, arn:<partition>:iam::<12-digit account>:role/<path/name> or :user/<path/name>";

    internal static IReadOnlyList<AccessEntrySpec> Read(Reader read)
    {
        var key = ConfigKeys.AccessEntries;
        if (read.Json(key, JsonValueKind.Array, "a list of {principalArn, access, namespaces?}") is not { } list)
        {
            return [];
        }
        var entries = new List<AccessEntrySpec>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = list.EnumerateArray().ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var path = read.Qualified($"{key.Name}[{i}]");
            if (items[i].ValueKind != JsonValueKind.Object)
            {
                read.Error(path, items[i].GetRawText(), "not an object",
                    "an object such as {\"principalArn\": \"arn:aws:iam::111122223333:role/platform-admins\", \"access\": \"clusterAdmin\"}");
                continue;
            }
            var entry = new NodeGroupReader.Entry(read, items[i], path, Fields);
            entry.RejectUnknownFields();
            var arn = entry.String("principalArn");
            var access = entry.Choice("access", null, Levels.Keys.ToList());
            var namespaces = entry.StringList("namespaces") ?? [];

            if (arn is null)
            {
                read.Error($"{path}.principalArn", null, "missing", ArnRule);
            }
            else if (AssumedRolePattern().Match(arn) is { Success: true } assumed)
            {
                entry.Error("principalArn", "an assumed-role session ARN, which EKS does not take for an access entry",
                    $"the role's own ARN, arn:{assumed.Groups[1].Value}:iam::{assumed.Groups[2].Value}:role/{assumed.Groups[3].Value} " +
                    "(with its path, if it has one: aws iam get-role --role-name " + assumed.Groups[3].Value + ")");
            }
            else if (!PrincipalPattern().IsMatch(arn))
            {
                entry.Error("principalArn", "not an IAM role or user ARN", ArnRule);
            }
            else if (seen.TryGetValue(arn, out var first))
            {
                entry.Error("principalArn", $"the same principal as {key.Name}[{first}]",
                    "one entry per principal (EKS allows one access entry per IAM principal)");
            }
            else
            {
                seen[arn] = i;
            }

            if (access is null && !items[i].TryGetProperty("access", out _))
            {
                read.Error($"{path}.access", null, "missing", string.Join(", ", Levels.Keys));
            }
            if (access == "clusterAdmin" && namespaces.Count > 0)
            {
                entry.Error("namespaces", "clusterAdmin (AmazonEKSClusterAdminPolicy) applies to the whole cluster only",
                    "no namespaces with clusterAdmin; admin, edit or view can be limited to namespaces");
            }
            foreach (var ns in namespaces.Where(n => !NamespacePattern().IsMatch(n)))
            {
                entry.Error("namespaces", $"'{ns}' is not a Kubernetes namespace name",
                    "lowercase letters, digits and -, 1-63 characters, starting and ending with a letter or digit");
            }
            if (arn is not null && access is not null && PrincipalPattern().IsMatch(arn))
            {
                entries.Add(new AccessEntrySpec(arn, Levels[access], namespaces));
            }
        }

        var partitions = entries.Select(e => e.Partition).Distinct().ToList();
        if (partitions.Count > 1)
        {
            read.Error(key, $"principals in several partitions ({string.Join(", ", partitions)})",
                "principals in the cluster's own partition only");
        }
        return entries;
    }

    /// <summary>An error for each principal outside the partition the stack deploys to (known only at `pulumi up`).</summary>
    public static IReadOnlyList<string> PartitionErrors(ClusterSpec spec, string partition)
    {
        var errors = spec.AccessEntries.Where(e => e.Partition != partition)
            .Select(e => $"{spec.Project}:{ConfigKeys.AccessEntries.Name}: {e.PrincipalArn} is in partition {e.Partition}, " +
                         $"but the stack deploys to {partition}; allowed: principals of partition {partition}")
            .ToList();
        // IAM would refuse a boundary of another partition only when creating the role, half way through `up`.
        if (spec.PermissionsBoundaryArn is { } boundary && AwsPartitions.OfArn(boundary) is { } boundaryPartition && boundaryPartition != partition)
        {
            errors.Add($"{spec.Project}:{ConfigKeys.PermissionsBoundaryArn.Name}: {boundary} is in partition {boundaryPartition}, " +
                       $"but the stack deploys to {partition}; allowed: a policy of partition {partition}");
        }
        return errors;
    }

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:(role|user)/([\w+=,.@-]+/)*[\w+=,.@-]{1,128}$")]
    private static partial Regex PrincipalPattern();

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):sts::([0-9]{12}):assumed-role/([\w+=,.@-]+)/.+$")]
    private static partial Regex AssumedRolePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NamespacePattern();
}
