namespace ActorMta.Host.Cli;

/// <summary>
/// A command's words and options: `--name value`, `--name=value`, or a bare flag from <see cref="Flags"/>.
/// Each command says which options it takes, so a misspelt one is refused rather than ignored.
/// </summary>
public sealed class CliArguments
{
    private static readonly HashSet<string> Flags = ["--json", "--starttls", "--tls", "--send", "--password-stdin", "--help", "-h"];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Words { get; }

    private CliArguments(List<string> words) => Words = words;

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        var parsed = new CliArguments(words);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                words.Add(arg);
                continue;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                parsed._options[arg[..equals]] = arg[(equals + 1)..];
            else if (Flags.Contains(arg))
                parsed._options[arg] = null;
            else if (i + 1 < args.Count)
                parsed._options[arg] = args[++i];
            else
                throw new CliFailure(CliExitCodes.Usage, $"{arg} needs a value");
        }
        return parsed;
    }

    public bool Help => Flag("--help") || Flag("-h");
    public bool Json => Flag("--json");

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Word(int index, string what) =>
        index < Words.Count ? Words[index] : throw new CliFailure(CliExitCodes.Usage, $"missing {what}");

    /// <summary>Refuses options this command does not take and words beyond <paramref name="words"/>.</summary>
    public void Allow(int words, params string[] options)
    {
        if (Words.Count > words)
            throw new CliFailure(CliExitCodes.Usage, $"unexpected '{Words[words]}'");
        foreach (var name in _options.Keys)
            if (!options.Contains(name) && !Connection.Contains(name) && name is not ("--json" or "--help" or "-h"))
                throw new CliFailure(CliExitCodes.Usage, $"unknown option {name}");
    }

    /// <summary>The options every management command takes.</summary>
    public static readonly string[] Connection = ["--url", "--token-file", "--timeout"];
}

/// <summary>A command that cannot go on: one plain line for the operator and the exit code that names why.</summary>
public sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
