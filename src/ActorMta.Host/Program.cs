using ActorMta;
using ActorMta.Configuration;
using ActorMta.Host;
using ActorMta.Host.Cli;
using ActorMta.Queue.Journal;

// Exit codes: 0 clean shutdown, 1 probe failed, 2 invalid setting or usage, 3 journal unavailable at start-up,
// 4 the node stopped on its own (downed, could not join, a cluster peer failed the fleet's TLS).
// The operator commands (queue, domains, ..., probe) have codes of their own, listed in --help.
if (args.Length > 0 && CliApp.Commands.Contains(args[0]))
    return await CliApp.RunAsync(args, CliIo.Standard());
try
{
    var commandLine = CommandLine.Parse(args);
    if (commandLine.Help)
    {
        Console.WriteLine(CliUsage.Text);
        return 0;
    }
    if (commandLine.ProbeUrl is { } probeUrl)
        return await HealthProbe.RunAsync(probeUrl);
    var settings = ActorMtaSettings.Load(new ConfigSource(commandLine.ConfigFile, Environment.GetEnvironmentVariables()));
    if (commandLine.AddUser is { } user)
        return AddUser.Run(user, settings);
    await using var node = await ActorMtaNode.StartAsync(settings, CancellationToken.None);
    await node.WaitForShutdownAsync();
    return node.StoppedCleanly ? 0 : 4;
}
catch (SettingException e)
{
    Console.Error.WriteLine($"actormta: {e.Message}");
    return 2;
}
catch (JournalUnavailableException e)
{
    Console.Error.WriteLine($"actormta: {e.Message}");
    return 3;
}
