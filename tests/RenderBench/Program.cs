using System.Diagnostics;
using EksIpvs.Cli;

// Usage: render-bench <repository root> [<stack count>...]   (default 1 10 100)
// For each count, a project of that many copies of Pulumi.dev.yaml (dev-001, dev-002, ...) is validated and rendered
// by `render --all --out` in this one process; it prints the wall time and the time per stack. A first run of one
// stack warms the JIT up, so the figures are the steady cost a CI job pays per stack.
if (args.Length < 1 || !File.Exists(Path.Combine(args[0], "Pulumi.dev.yaml")))
{
    Console.Error.WriteLine("usage: render-bench <repository root, holding Pulumi.yaml and Pulumi.dev.yaml> [<stack count>...]");
    return 2;
}
var root = args[0];
var counts = args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [1, 10, 100];
var work = Directory.CreateTempSubdirectory("eks-ipvs-bench").FullName;
try
{
    Measure(1, warmUp: true);
    foreach (var count in counts)
    {
        Measure(count, warmUp: false);
    }
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

void Measure(int count, bool warmUp)
{
    var project = Path.Combine(work, $"{count}{(warmUp ? "-warm-up" : "")}");
    Directory.CreateDirectory(project);
    File.Copy(Path.Combine(root, "Pulumi.yaml"), Path.Combine(project, "Pulumi.yaml"));
    var dev = File.ReadAllText(Path.Combine(root, "Pulumi.dev.yaml"));
    for (var i = 1; i <= count; i++)
    {
        File.WriteAllText(Path.Combine(project, $"Pulumi.dev-{i:D3}.yaml"), dev);
    }
    File.WriteAllText(Path.Combine(project, "stacks.yaml"), """
        waves:
          - name: dev
            stacks: [dev-*]
            account: "111122223333"
            environment: dev
        accounts:
          "111122223333":
            deployRole: arn:aws:iam::111122223333:role/deploy
        """);
    var errors = new StringWriter();
    var clock = Stopwatch.StartNew();
    var code = RenderAllCommand.Run(project, Path.Combine(project, "out"), TextWriter.Null, errors);
    clock.Stop();
    if (code != 0)
    {
        throw new InvalidOperationException($"render --all of {count} stacks exited {code}: {errors}");
    }
    var rendered = Directory.GetDirectories(Path.Combine(project, "out")).Length;
    if (rendered != count)
    {
        throw new InvalidOperationException($"render --all of {count} stacks wrote {rendered} stack folders");
    }
    if (!warmUp)
    {
        Console.WriteLine($"render --all --out, {count,3} stack{(count == 1 ? " " : "s")}: {clock.Elapsed.TotalMilliseconds,8:F1} ms, {clock.Elapsed.TotalMilliseconds / count,6:F1} ms per stack");
    }
}
