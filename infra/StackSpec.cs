using EksIpvs.Core;
using EksIpvs.Core.StackFiles;
using EksIpvs.Core.Validation;
using Pulumi;

namespace EksIpvs.Infra;

/// <summary>Reads the stack's config once, through Pulumi's Config, and validates it with the same rules as the
/// offline tool, before any resource is registered.</summary>
internal static class StackSpec
{
    public static ClusterSpec Read()
    {
        var project = Deployment.Instance.ProjectName;
        var config = new Config();
        // Pulumi's Config cannot list keys; the names come from the same place the SDK reads them, so a typo is seen.
        var keys = PulumiConfigEnvironment.KeysIn(Environment.GetEnvironmentVariable(PulumiConfigEnvironment.Variable), project);
        var values = keys.ToDictionary(key => key, key => config.Get(key) ?? "");
        // Other namespaces' keys too: aws:region decides the partition principals must be in, and a key under a
        // misspelled namespace (eks_ipvs:proxyMode) is refused here as in the offline tool.
        var others = PulumiConfigEnvironment.OthersIn(Environment.GetEnvironmentVariable(PulumiConfigEnvironment.Variable),
            Environment.GetEnvironmentVariable(PulumiConfigEnvironment.SecretKeysVariable), project);
        var result = SpecValidator.Validate(new StackConfig(project, Deployment.Instance.StackName, values) { Others = others });
        foreach (var warning in result.Warnings)
        {
            Log.Warn(warning.ToString());
        }
        if (!result.IsValid)
        {
            // RunException ends the program with this message alone: no stack trace, and nothing was created.
            throw new RunException(new InvalidStackConfigException(result.Errors).Message);
        }
        return result.Require();
    }
}
