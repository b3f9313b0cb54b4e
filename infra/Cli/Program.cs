using EksIpvs.Cli;

return Cli.Run(args, Console.Out, Console.Error, Directory.GetCurrentDirectory());
