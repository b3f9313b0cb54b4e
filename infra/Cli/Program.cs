using EksIpvs.Cli;

try
{
    return Cli.Run(args, Console.Out, Console.Error, Directory.GetCurrentDirectory());
}
catch (Exception e)
{
    // Every input error has its own message and exit code 2; reaching here is a bug, reported in one line.
    Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message} (a bug in this tool: please report it with the stack file)");
    return Cli.Failed;
}
