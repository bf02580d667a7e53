using System.Text.Json;
using ActorMta;
using ActorMta.Host;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.Queue;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ActorMta.Contracts;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// A whole node in-process for delivery tests: its own data directory and ports, the test's
/// actormta.* settings in an operator file, mail handed in through the node's real queue intake
/// (what an SMTP session does after DATA), and the management API over HTTP.
/// </summary>
internal sealed class DeliveryNode : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly TempDirectory _data;
    private readonly ActorMtaSettings _settings;
    private readonly TimeProvider? _warmUpClock;

    private DeliveryNode(ActorMtaNode node, TempDirectory data, ActorMtaSettings settings, TimeProvider? warmUpClock)
    {
        Node = node;
        _data = data;
        _settings = settings;
        _warmUpClock = warmUpClock;
    }

    public ActorMtaNode Node { get; private set; }
    public string DataDirectory => _data.Path;

    /// <summary>The relay listener's port (trusted: 127.0.0.1 may relay anywhere).</summary>
    public int RelayPort => Node.Settings.Config.GetInt("actormta.smtp.listeners.relay.port");

    /// <param name="warmUpClock">Whose "today" the warm-up caps count (a fixed day: no test fails at midnight).</param>
    public static async Task<DeliveryNode> StartAsync(string hocon, IDictionary<string, string>? environment = null, TimeProvider? warmUpClock = null)
    {
        var data = new TempDirectory();
        var variables = TestNode.IsolatedEnvironment(data.Path);
        variables["ACTORMTA_SMTP_RELAY_PORT"] = FreePort.Tcp().ToString(System.Globalization.CultureInfo.InvariantCulture);
        variables["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) variables[name] = value;
        var file = Path.Combine(data.Path, "node.conf");
        // Only the relay listener, answering at once (no pre-greeting wait), and retries soon enough for a test.
        await File.WriteAllTextAsync(file, $$"""
            actormta.smtp.listeners { submission.enabled = off, smtps.enabled = off, relay.pregreet-wait = 0s }
            actormta.queue.retry { initial = 1s, max = 2s, jitter = 0 }
            actormta.delivery.dns { retries = 0, query-timeout = 2s }
            {{hocon}}
            """);
        var settings = TestNode.Settings(variables, file);
        var node = await ActorMtaNode.StartAsync(settings, CancellationToken.None, warmUpClock);
        return new DeliveryNode(node, data, settings, warmUpClock);
    }

    /// <summary>Stops the node cleanly and starts it again on the same data directory and settings (same relay port).</summary>
    public async Task RestartAsync()
    {
        await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Node = await ActorMtaNode.StartAsync(_settings, CancellationToken.None, _warmUpClock);
    }

    /// <summary>Queues a message as a session does after DATA; returns its queue id once it is durable.</summary>
    public async Task<string> EnqueueAsync(string reversePath, IReadOnlyList<string> recipients, byte[] body)
    {
        var intake = await Node.Services.GetRequiredService<ActorRegistry>().GetAsync<QueueIntake>();
        var envelope = new SmtpEnvelope(reversePath, [.. recipients.Select(r => new EnvelopeRecipient(r))], BodyType.Unspecified, false,
            DsnReturn.Unspecified, null, new SubmittingClient("127.0.0.1", "test.client", "test"), DateTimeOffset.UtcNow);
        var answer = await intake.Ask<object>(new QueueIntake.Enqueue(envelope, body), TimeSpan.FromSeconds(30));
        return answer is QueueIntake.Enqueued enqueued ? enqueued.QueueId : throw new InvalidOperationException($"not queued: {answer}");
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(new Uri(Node.ManagementUri, path));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>A metric from /metrics summed over its label sets (counters are NAME_total), or null when it is not exported.</summary>
    public async Task<double?> GetMetricAsync(string name) => (await GetMetricsAsync()).Sum(name);

    /// <summary>The series of <paramref name="name"/> whose labels include all of <paramref name="labels"/>, summed (0 if none).</summary>
    public async Task<double> GetLabelledMetricAsync(string name, params (string Name, string Value)[] labels) =>
        (await GetMetricsAsync()).Sum(name, labels) ?? 0;

    public async Task<PrometheusText> GetMetricsAsync() => PrometheusText.Parse(await Http.GetStringAsync(new Uri(Node.ManagementUri, "/metrics")));

    /// <summary>POST as the operator (admin token), with <paramref name="body"/> as JSON if given.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostJsonAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Node.ManagementUri, path))
        {
            Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Waits until the queue API reports the message completed (every recipient final, DSNs queued).</summary>
    public Task<JsonElement> WaitForCompletionAsync(string queueId, TimeSpan within) =>
        Eventually.Returns(() => GetJsonAsync($"/queue/messages/{queueId}"),
            m => m.TryGetProperty("state", out var state) && state.GetString() == "completed", within, $"message {queueId} completed");

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
