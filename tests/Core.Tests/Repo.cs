namespace EksIpvs.Core.Tests;

/// <summary>Paths of the repository under test, found from the test binary upwards.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The steering repo's shared/ folder, which sits beside the checkout (as it does in CI).</summary>
    public static string Shared(params string[] parts)
    {
        var shared = System.IO.Path.Combine([System.IO.Path.GetDirectoryName(Root)!, "shared", .. parts]);
        return File.Exists(shared) || Directory.Exists(shared)
            ? shared
            : throw new FileNotFoundException($"{shared} is missing: these tests read the reference data in shared/ beside the checkout");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no Pulumi.yaml above the test binary");
    }
}
