using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Queue;

/// <summary>
/// Invariant 1: a 250 after DATA means the message survives kill -9 of the node, and a journal
/// outage gives 451s, never a 250 for a message that is then lost.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Messages = 5000;
    private const int Connections = 8;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Kill_9_at_a_random_moment_loses_no_message_that_got_a_250(string provider)
    {
        using var data = new TempDirectory();
        await using var node = NodeProcess.Start(data.Path, await Journal(provider));
        await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        var killAfter = Random.Shared.Next(Messages / 10, Messages * 8 / 10);
        var load = new Load(node.Relay);
        var sending = load.RunAsync(Messages, Connections);
        await Eventually.True(() => Task.FromResult(load.Accepted.Count >= killAfter || sending.IsCompleted), TimeSpan.FromMinutes(3), $"{killAfter} messages accepted");
        await node.KillAsync();
        await sending;
        output.WriteLine($"{provider}: killed after {load.Accepted.Count} accepted (target {killAfter}), {load.Refused.Count} refused, {load.Failed} lost connections");
        Assert.True(load.Accepted.Count >= killAfter);

        await node.RestartAsync(TimeSpan.FromSeconds(120));
        var missing = await Missing(node, load.Accepted);
        output.WriteLine($"{provider}: after restart {load.Accepted.Count - missing.Count} of {load.Accepted.Count} accepted messages are in the queue");
        Assert.Empty(missing);
    }

    [Fact]
    public async Task PostgreSql_stopped_for_ten_seconds_mid_load_gives_451s_never_a_lost_250_and_acceptance_resumes()
    {
        using var server = PostgresInstance.Start();
        using var data = new TempDirectory();
        await using var node = NodeProcess.Start(data.Path, new Dictionary<string, string>
        {
            ["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql",
            ["ACTORMTA_JOURNAL_CONNECTION_STRING"] = await PostgresServer.CreateDatabaseAsync(server.ConnectionString),
            ["ACTORMTA_DELIVERY_PAUSED"] = "on",
        });
        await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        var load = new Load(node.Relay);
        using var stop = new CancellationTokenSource();
        var sending = load.RunUntilAsync(stop.Token, Connections);
        await Eventually.True(() => Task.FromResult(load.Accepted.Count >= 500), TimeSpan.FromMinutes(2), "500 messages accepted before the outage");

        server.StopServer();
        var acceptedBeforeOutage = load.Accepted.Count;
        var outageEnds = DateTime.UtcNow.AddSeconds(10);
        await Eventually.True(() => Task.FromResult(DateTime.UtcNow >= outageEnds), TimeSpan.FromSeconds(20), "ten seconds of outage");
        var refusedDuringOutage = load.Refused.Count;
        server.StartServer();

        var acceptedAfterOutage = load.Accepted.Count;
        await Eventually.True(() => Task.FromResult(load.Accepted.Count >= acceptedAfterOutage + 500), TimeSpan.FromMinutes(2), "500 more messages accepted after the database came back");
        await stop.CancelAsync();
        await sending;

        output.WriteLine($"accepted {acceptedBeforeOutage} before, {acceptedAfterOutage - acceptedBeforeOutage} while stopping, {load.Accepted.Count - acceptedAfterOutage} after; refused {refusedDuringOutage} during the outage ({string.Join(" | ", load.Refused.Take(3))})");
        Assert.True(refusedDuringOutage > 0, "no client heard 451 while the database was down");
        Assert.All(load.Refused, reply => Assert.StartsWith("451 4.3.0", reply));
        Assert.Empty(await Missing(node, load.Accepted));
    }

    private static async Task<Dictionary<string, string>> Journal(string provider) => provider == "sqlite"
        ? new() { ["ACTORMTA_DELIVERY_PAUSED"] = "on" }
        : new()
        {
            ["ACTORMTA_DELIVERY_PAUSED"] = "on",
            ["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql",
            ["ACTORMTA_JOURNAL_CONNECTION_STRING"] = await PostgresServer.CreateDatabaseAsync(),
        };

    /// <summary>The accepted queue ids the node does not have queued.</summary>
    private static async Task<List<string>> Missing(NodeProcess node, IEnumerable<string> accepted)
    {
        using var http = new HttpClient { BaseAddress = node.Management, Timeout = TimeSpan.FromSeconds(30) };
        var missing = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (queueId, cancellation) =>
        {
            using var response = await http.GetAsync($"/queue/messages/{queueId}", cancellation);
            if (response.StatusCode != HttpStatusCode.OK) { missing.Add(queueId); return; }
            var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation)).RootElement.GetProperty("state").GetString();
            if (state != "queued") missing.Add(queueId);
        });
        return missing.ToList();
    }

    /// <summary>Concurrent SMTP clients sending 1 KB messages, recording every 250's queue id and every refusal.</summary>
    private sealed class Load(IPEndPoint relay)
    {
        private static readonly string Body = "Subject: crash test\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 78) + "\r\n", 12));
        private int _next = -1;
        private int _failed;

        public ConcurrentBag<string> Accepted { get; } = [];
        public ConcurrentBag<string> Refused { get; } = [];
        public int Failed => _failed;

        public Task RunAsync(int messages, int connections) =>
            Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendAsync(() => Interlocked.Increment(ref _next) < messages, CancellationToken.None)));

        public Task RunUntilAsync(CancellationToken stop, int connections) =>
            Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendAsync(() => !stop.IsCancellationRequested, CancellationToken.None)));

        private async Task SendAsync(Func<bool> more, CancellationToken cancellation)
        {
            SmtpSubmitter? client = null;
            while (more())
            {
                try
                {
                    client ??= await SmtpSubmitter.ConnectAsync(relay, cancellation: cancellation);
                    var id = Guid.NewGuid().ToString("N");
                    var reply = await client.SendAsync("load@src.example", ["rcpt@dest.example"], $"Message-ID: <{id}@src.example>\r\n{Body}", cancellation);
                    if (reply.QueueId is { } queueId) Accepted.Add(queueId);
                    else Refused.Add(reply.Reply);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    // The node died under us (kill -9): stop; an outage keeps the connection, so this is rare there.
                    Interlocked.Increment(ref _failed);
                    if (client is not null) await client.DisposeAsync();
                    return;
                }
            }
            if (client is not null) await client.DisposeAsync();
        }
    }
}
