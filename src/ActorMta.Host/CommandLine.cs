using ActorMta.Configuration;

namespace ActorMta.Host;

/// <summary>
/// `ActorMta.Host [--config FILE]` runs a node; `--probe URL` checks a management URL and exits
/// 0 when it answers 200 (the container HEALTHCHECK: the runtime image has no curl);
/// `user add USER [--config FILE]` (or `adduser USER`) adds or updates an SMTP AUTH user, password on stdin.
/// The operator commands (queue, domains, probe, ...) are parsed by Cli/CliApp.
/// Bad usage is reported like a bad setting: one line, exit 2.
/// </summary>
public sealed record CommandLine(string? ConfigFile, bool Help, Uri? ProbeUrl = null, string? AddUser = null)
{
    public const string Usage = "usage: ActorMta.Host [--config FILE] | --probe URL | user add USER [--config FILE] (alias adduser USER)   (FILE: HOCON layered over actormta.conf; env ACTORMTA_* win over both; adduser reads the password from stdin)";

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? configFile = null;
        string? addUser = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return new CommandLine(null, Help: true);
                case "-c" or "--config" when i + 1 < args.Count:
                    configFile = args[++i];
                    break;
                case "--probe" when i + 1 < args.Count && Uri.TryCreate(args[i + 1], UriKind.Absolute, out var url):
                    return new CommandLine(null, Help: false, url);
                case "adduser" when i == 0 && i + 1 < args.Count:
                    addUser = args[++i];
                    break;
                case "user" when i == 0 && i + 2 < args.Count && args[1] == "add":
                    i++;
                    addUser = args[++i];
                    break;
                case var arg when arg.StartsWith("--config=", StringComparison.Ordinal):
                    configFile = arg["--config=".Length..];
                    break;
                default:
                    throw new SettingException("command line", args[i], Usage["usage: ".Length..]);
            }
        }
        return new CommandLine(configFile, Help: false, AddUser: addUser);
    }
}
