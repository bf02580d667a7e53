using System.Net;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Infrastructure;

/// <summary>
/// A node as a separate process with ports of its own, for crash tests: it can be killed with
/// SIGKILL and started again on the same data directory and journal.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string[] _arguments;
    private HostProcess _host;

    public int RelayPort { get; }
    public int ManagementPort { get; }
    public IPEndPoint Relay => new(IPAddress.Loopback, RelayPort);
    public Uri Management => new($"http://127.0.0.1:{ManagementPort}");
    public HostProcess Host => _host;

    private NodeProcess(Dictionary<string, string> environment, string[] arguments, int relayPort, int managementPort)
    {
        _environment = environment;
        _arguments = arguments;
        RelayPort = relayPort;
        ManagementPort = managementPort;
        _host = HostProcess.Start(environment, arguments);
    }

    /// <param name="extra">More ACTORMTA_* settings (journal provider, delivery paused, ...).</param>
    /// <param name="configFile">An operator file (HOCON) for what has no environment variable.</param>
    public static NodeProcess Start(string dataDirectory, IReadOnlyDictionary<string, string>? extra = null, string? configFile = null)
    {
        var relay = FreePort.Tcp();
        var management = FreePort.Tcp();
        var environment = new Dictionary<string, string>
        {
            ["ACTORMTA_DATA_DIR"] = dataDirectory,
            ["ACTORMTA_CLUSTER_PORT"] = "0",
            ["ACTORMTA_MANAGEMENT_PORT"] = management.ToString(),
            ["ACTORMTA_SMTP_RELAY_PORT"] = relay.ToString(),
            ["ACTORMTA_SMTP_SUBMISSION_PORT"] = FreePort.Tcp().ToString(),
            ["ACTORMTA_SMTP_SMTPS_PORT"] = FreePort.Tcp().ToString(),
            ["ACTORMTA_LOG_LEVEL"] = "Warning",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) environment[name] = value;
        return new NodeProcess(environment, configFile is null ? [] : ["--config", configFile], relay, management);
    }

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.True(async () =>
        {
            if (_host.HasExited) throw new InvalidOperationException($"the node exited: {_host.Output}");
            return (await http.GetAsync(new Uri(Management, "/health/ready"))).StatusCode == HttpStatusCode.OK;
        }, within, "the node answering /health/ready with 200");
    }

    /// <summary>SIGKILL, then wait for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _host.Kill();
        await _host.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts the node again with the same settings (after a kill).</summary>
    public async Task RestartAsync(TimeSpan readyWithin)
    {
        await _host.DisposeAsync();
        _host = HostProcess.Start(_environment, _arguments);
        await WaitUntilReadyAsync(readyWithin);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
