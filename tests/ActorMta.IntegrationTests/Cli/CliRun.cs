using ActorMta.Host.Cli;

namespace ActorMta.IntegrationTests.Cli;

/// <summary>Runs `actormta COMMAND ...` in-process with its own stdout, stderr, stdin and environment.</summary>
public static class CliRun
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunWithInputAsync(IReadOnlyDictionary<string, string?> environment, string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new CliIo(output, error, new StringReader(stdin), environment));
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunWithInputAsync(environment, "", args);
}
