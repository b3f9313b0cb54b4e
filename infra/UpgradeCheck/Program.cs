using EksIpvs.Spec;

// Usage: dotnet run --project infra/UpgradeCheck -- <stack> [<deployed kubernetesVersion>]
// Run from the folder holding Pulumi.yaml. An empty or missing deployed version means "nothing deployed yet".
if (args.Length is < 1 or > 2 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: eks-ipvs-upgrade-check <stack> [<deployed kubernetesVersion, e.g. 1.33>]");
    return 2;
}
return KubernetesUpgrade.Check(Directory.GetCurrentDirectory(), args[0], args.Length == 2 ? args[1] : null, Console.Out, Console.Error);
