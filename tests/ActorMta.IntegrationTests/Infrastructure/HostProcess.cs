using System.Diagnostics;
using System.Text;

using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Infrastructure;

/// <summary>The real executable in a child process: for exit codes, kill -9, and fleets of separate processes.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static HostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartWithInput(environment, null, arguments);

    /// <summary>Starts the host with <paramref name="standardInput"/> as all of its stdin (then closed), e.g. a password for `adduser`.</summary>
    public static HostProcess StartWithInput(IReadOnlyDictionary<string, string> environment, string? standardInput, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Repository.HostDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the host");
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        return new HostProcess(process);
    }

    /// <summary>Runs the host until it exits by itself (a refused start, a command): its exit code and all it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        await using var host = Start(environment, arguments);
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, host.Output.TrimEnd('\n'));
    }

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGTERM: the node runs CoordinatedShutdown.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: no shutdown at all, as in a crash.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private void Signal(string signal)
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            try { await WaitForExitAsync(TimeSpan.FromSeconds(30)); }
            catch (OperationCanceledException) { Kill(); }
        }
        _process.Dispose();
    }
}
