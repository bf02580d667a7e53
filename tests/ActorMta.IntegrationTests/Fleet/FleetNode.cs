using System.Globalization;
using System.Net;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// One node of a test fleet: the real executable as a child process with fixed ports of its own, so it
/// can be killed (SIGKILL), terminated (SIGTERM) and started again with the same settings.
/// </summary>
internal sealed class FleetNode : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly Dictionary<string, string> _environment;
    private readonly string _configFile;
    private readonly List<string> _earlierOutput = [];

    public FleetNode(int number, Dictionary<string, string> environment, string configFile)
    {
        Number = number;
        _environment = environment;
        _configFile = configFile;
        ClusterPort = Port("ACTORMTA_CLUSTER_PORT");
        RelayPort = Port("ACTORMTA_SMTP_RELAY_PORT");
        ManagementPort = Port("ACTORMTA_MANAGEMENT_PORT");
        Host = HostProcess.Start(_environment, "--config", _configFile);
    }

    public int Number { get; }
    public int ClusterPort { get; }
    public int RelayPort { get; }
    public int ManagementPort { get; }
    public HostProcess Host { get; private set; }
    public IPEndPoint Relay => new(IPAddress.Loopback, RelayPort);
    public Uri Management => new($"http://127.0.0.1:{ManagementPort}");
    public string DataDirectory => _environment["ACTORMTA_DATA_DIR"];

    /// <summary>This node's cluster address, as /cluster/members and /delivery/domains/{domain} name it.</summary>
    public string Address => AddressOf(ClusterPort);

    /// <summary>Everything the node wrote, over all its runs (a restart keeps the earlier output).</summary>
    public string Output => string.Concat(_earlierOutput) + Host.Output;

    /// <summary>A member's address: the cluster transport runs TLS (Akka.NET's akka.ssl.tcp).</summary>
    public static string AddressOf(int clusterPort) => $"akka.ssl.tcp://actormta@127.0.0.1:{clusterPort}";

    /// <summary>
    /// The one place a fleet node's environment is made: ports, data directory, seed nodes (written akka.tcp,
    /// as an operator does; the node gives them its transport's scheme), the fleet certificate, the journal.
    /// </summary>
    public static Dictionary<string, string> Environment(string dataDirectory, int clusterPort, int seedPort, FleetCertificates.NodeCertificate certificate,
        string journalProvider, string? journalConnection)
    {
        var environment = new Dictionary<string, string>(certificate.Environment)
        {
            ["ACTORMTA_DATA_DIR"] = dataDirectory,
            ["ACTORMTA_CLUSTER_PORT"] = clusterPort.ToString(CultureInfo.InvariantCulture),
            ["ACTORMTA_SEED_NODES"] = $"akka.tcp://actormta@127.0.0.1:{seedPort}",
            ["ACTORMTA_MANAGEMENT_PORT"] = FreePort.Tcp().ToString(CultureInfo.InvariantCulture),
            ["ACTORMTA_SMTP_RELAY_PORT"] = FreePort.Tcp().ToString(CultureInfo.InvariantCulture),
            ["ACTORMTA_JOURNAL_PROVIDER"] = journalProvider,
            ["ACTORMTA_LOG_LEVEL"] = "Information",
            ["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin,
        };
        if (journalConnection is not null) environment["ACTORMTA_JOURNAL_CONNECTION_STRING"] = journalConnection;
        return environment;
    }

    public async Task WaitUntilReadyAsync(TimeSpan within) =>
        await Eventually.True(async () =>
        {
            ThrowIfExited();
            using var response = await Http.GetAsync(new Uri(Management, "/health/ready"));
            return response.StatusCode == HttpStatusCode.OK;
        }, within, $"node {Number} answering /health/ready with 200");

    /// <summary>GET a management route: the status code and the JSON body (undefined when the body is not JSON).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(Management, path));
        return (response.StatusCode, Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>POST a management route as the operator (admin token), with <paramref name="body"/> as JSON if given.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    /// <summary>A management request as the operator (admin token), with <paramref name="body"/> as JSON if given.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Management, path))
        {
            Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>SIGKILL: returns the test's clock at the kill; the process is gone when this returns.</summary>
    public async Task<DateTimeOffset> KillAsync()
    {
        var at = DateTimeOffset.UtcNow;
        Host.Kill();
        await Host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return at;
    }

    /// <summary>SIGTERM (graceful leave): returns the test's clock when the signal went out.</summary>
    public DateTimeOffset Terminate()
    {
        var at = DateTimeOffset.UtcNow;
        Host.Terminate();
        return at;
    }

    /// <summary>The exit code once the process has ended, or null if it still runs after <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExitCodeAsync(TimeSpan within)
    {
        try { return await Host.WaitForExitAsync(within); }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>Starts the node again with the same settings, data directory and ports (after a kill).</summary>
    public async Task RestartAsync(TimeSpan readyWithin)
    {
        await Host.DisposeAsync();
        _earlierOutput.Add(Host.Output + "\n--- restarted ---\n");
        Host = HostProcess.Start(_environment, "--config", _configFile);
        await WaitUntilReadyAsync(readyWithin);
    }

    public void ThrowIfExited()
    {
        if (Host.HasExited) throw new InvalidOperationException($"node {Number} exited:\n{Output}");
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private int Port(string variable) => int.Parse(_environment[variable], CultureInfo.InvariantCulture);

    private static JsonElement Parse(string text)
    {
        try { return JsonDocument.Parse(text).RootElement; }
        catch (JsonException) { return default; }
    }
}
