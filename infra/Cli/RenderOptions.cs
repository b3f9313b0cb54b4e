namespace EksIpvs.Cli;

public sealed record RenderOptions(string Stack, string? OutDirectory, string ProjectDirectory)
{
    public static RenderOptions Parse(string[] args, string workingDirectory)
    {
        string? stack = null, outDirectory = null, projectDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--stack": stack = value ?? throw Missing("--stack"); i++; break;
                case "--out": outDirectory = value ?? throw Missing("--out"); i++; break;
                case "--project-dir": projectDirectory = value ?? throw Missing("--project-dir"); i++; break;
                default: throw new UsageException($"render: unknown argument '{args[i]}'; allowed: --stack, --out, --project-dir");
            }
        }
        if (string.IsNullOrWhiteSpace(stack))
        {
            throw new UsageException("render: --stack <name> is required, e.g. --stack dev");
        }
        return new RenderOptions(
            stack,
            outDirectory is null ? null : Path.GetFullPath(outDirectory, workingDirectory),
            Path.GetFullPath(projectDirectory ?? ".", workingDirectory));
    }

    private static UsageException Missing(string option) => new($"render: {option} needs a value");
}
