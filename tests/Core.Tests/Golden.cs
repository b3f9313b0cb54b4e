namespace EksIpvs.Core.Tests;

/// <summary>Rendered text is compared with a checked-in file, so a reviewer sees exactly what a node or an add-on
/// receives and every change to it shows in the diff. UPDATE_GOLDEN=1 rewrites the files (review the diff!).</summary>
internal static class Golden
{
    public static void Matches(string relativePath, string actual)
    {
        var path = Repo.Path("tests", "Core.Tests", "golden", relativePath);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
