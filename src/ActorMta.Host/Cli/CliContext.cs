using System.Text.Json;
using Spectre.Console;

namespace ActorMta.Host.Cli;

/// <summary>Where a command writes and reads (the real console, or writers in tests) and the environment it sees.</summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, TextReader In, IReadOnlyDictionary<string, string?> Environment)
{
    public static CliIo Standard()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            environment[(string)e.Key] = e.Value as string;
        return new CliIo(Console.Out, Console.Error, Console.In, environment);
    }

    /// <summary>Tables on <see cref="Out"/>: ANSI only on a terminal, and wide enough not to wrap when redirected.</summary>
    public IAnsiConsole Tables()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(Out, Console.Out) || Console.IsOutputRedirected) console.Profile.Width = 200;
        return console;
    }

    public void WriteJson(JsonElement json) => Out.WriteLine(JsonSerializer.Serialize(json, CliJson.Indented));
}

/// <summary>The management endpoint a command talks to: --url / ACTORMTA_URL, and the token.</summary>
public static class CliConnection
{
    public const string DefaultUrl = "http://127.0.0.1:8558";

    public static ManagementClient From(CliArguments args, CliIo io)
    {
        var text = args.Option("--url") ?? io.Environment.GetValueOrDefault("ACTORMTA_URL") ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliFailure(CliExitCodes.Usage, $"--url must be an http(s) URL such as {DefaultUrl}, not '{text}'");
        var timeout = args.Option("--timeout") is { } t ? Duration.Parse(t, "--timeout") : TimeSpan.FromSeconds(30);
        return new ManagementClient(url, Token(args, io), timeout);
    }

    /// <summary>--token-file F, else ACTORMTA_TOKEN, else DATA/admin.token when it exists (DATA: ACTORMTA_DATA_DIR or ./data).</summary>
    public static ManagementToken Token(CliArguments args, CliIo io)
    {
        if (args.Option("--token-file") is { } file)
            return new ManagementToken(ReadToken(file, mustExist: true), $"--token-file {file}");
        if (io.Environment.GetValueOrDefault("ACTORMTA_TOKEN") is { Length: > 0 } token)
            return new ManagementToken(token.Trim(), "ACTORMTA_TOKEN");
        var data = io.Environment.GetValueOrDefault("ACTORMTA_DATA_DIR") is { Length: > 0 } d ? d : "data";
        var generated = Path.Combine(data, "admin.token");
        return new ManagementToken(ReadToken(generated, mustExist: false), generated);
    }

    private static string? ReadToken(string path, bool mustExist)
    {
        try
        {
            var token = File.ReadAllText(path).Trim();
            return token.Length > 0 ? token : throw new CliFailure(CliExitCodes.Usage, $"the token file {path} is empty");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && !mustExist)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure(CliExitCodes.Usage, $"cannot read the token file {path}: {e.Message}");
        }
    }
}

/// <summary>Durations as the node takes them: 90s, 30m, 2h, 1d, 500ms.</summary>
public static class Duration
{
    public static TimeSpan Parse(string text, string what)
    {
        var t = text.Trim();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], "ms") : t.Length > 1 ? (t[..^1], t[^1..]) : (t, "");
        if (!long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 100_000)
            throw new CliFailure(CliExitCodes.Usage, $"{what} must be a duration such as 90s, 30m, 2h or 1d, not '{text}'");
        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => throw new CliFailure(CliExitCodes.Usage, $"{what} must be a duration such as 90s, 30m, 2h or 1d, not '{text}'"),
        };
    }
}
