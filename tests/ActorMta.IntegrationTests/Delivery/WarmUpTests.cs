using System.Net;
using System.Text;
using ActorMta.IntegrationTests.Cli;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// Issue 13's warm-up, end to end: two egress sources (127.0.0.2 and 127.0.0.3: Linux routes all of 127/8 to lo) in
/// one pool, a Google-hosted domain (its MX a *.google.com name on the loopback DNS server), and the sink telling the
/// sources apart by the connection's remote address. The warm-up's "today" is a fixed day, so midnight cannot split the test.
/// </summary>
public sealed class WarmUpTests : IAsyncLifetime
{
    private const int FirstBatch = 160;
    private const int SecondBatch = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly IPAddress Fresh = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Established = IPAddress.Parse("127.0.0.3");
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private TestSmtpSink _sink = null!;

    public Task InitializeAsync()
    {
        _sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });
        _dns.Zone("gmail.test").Mx("gmail.test", 5, "gmail-smtp-in.l.google.com")
            .Zone("onlyfresh.test").Mx("onlyfresh.test", 5, "gmail-smtp-in.l.google.com")
            .Zone("google.com").A("gmail-smtp-in.l.google.com", "127.0.0.1");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task A_source_capped_at_50_a_day_for_google_sends_50_the_rest_go_through_the_pools_other_source_and_the_cap_survives_a_restart()
    {
        await using var node = await DeliveryNode.StartAsync($$"""
            actormta.delivery {
              mx-port = {{_sink.Port}}, allow-private-destinations = on
              egress-sources {
                fresh { address = "{{Fresh}}", ehlo-name = "fresh.sender.test", warmup = [50, 100] }
                established { address = "{{Established}}", ehlo-name = "established.sender.test" }
              }
              egress-pools.mixed { sources = [ { source = fresh, weight = 3 }, { source = established, weight = 1 } ] }
              domains."gmail.test" { pool = mixed, max-connections = 2 }
              domains."onlyfresh.test" { egress = [fresh] }
            }
            """, new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() }, new FixedDay());

        await EnqueueAsync(node, FirstBatch);
        var first = await _sink.WaitForMessagesAsync(FirstBatch, Deadline);
        Assert.Equal(50, From(first, Fresh));
        Assert.Equal(FirstBatch - 50, From(first, Established));

        var egress = await node.GetJsonAsync("/api/admin/egress/v1");
        var google = egress.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "fresh")
            .GetProperty("providers").GetProperty("google");
        Assert.Equal((1, 50, 50, true), (google.GetProperty("day").GetInt32(), google.GetProperty("sent").GetInt32(), google.GetProperty("cap").GetInt32(), google.GetProperty("capped").GetBoolean()));

        var cli = new Dictionary<string, string?> { ["ACTORMTA_URL"] = node.Node.ManagementUri.ToString(), ["ACTORMTA_TOKEN"] = TestTokens.Admin };
        var table = await CliRun.RunAsync(cli, "egress");
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"fresh\s*│\s*127\.0\.0\.2\s*│.*│\s*google\s*│\s*1\s*│\s*50\s*│\s*50\s*│\s*yes", table.Out);
        var json = await CliRun.RunAsync(cli, "egress", "--json");
        Assert.Contains("\"ehlo_name\"", json.Out);

        await node.RestartAsync();
        await EnqueueAsync(node, SecondBatch);
        var all = await _sink.WaitForMessagesAsync(FirstBatch + SecondBatch, Deadline);
        Assert.Equal(50, From(all, Fresh)); // still capped today, after the restart
        Assert.Equal(FirstBatch + SecondBatch - 50, From(all, Established));
        Assert.Equal(FirstBatch + SecondBatch, all.Select(m => m.BodyText).Distinct().Count());

        // A domain whose pool is only the capped source: its mail waits for tomorrow, and says why.
        var waiting = await node.EnqueueAsync("news@sender.test", ["user@onlyfresh.test"], Encoding.ASCII.GetBytes("Subject: wait\r\n\r\nwait\r\n"));
        await Eventually.Returns(() => node.GetJsonAsync("/api/admin/ready-q-states/v1?queues=onlyfresh.test"),
            j => j.GetProperty("states_by_ready_queue").TryGetProperty("onlyfresh.test", out var state)
                && state.GetProperty("last_reply").GetString() is { } reply && reply.Contains("warm-up", StringComparison.Ordinal) && reply.Contains("2026-03-02", StringComparison.Ordinal),
            Deadline, "onlyfresh.test deferred by the warm-up cap");
        Assert.Equal(FirstBatch + SecondBatch, _sink.Messages.Count);
        Assert.NotEmpty(waiting);
    }

    private static int From(IReadOnlyList<ReceivedMessage> messages, IPAddress source) => messages.Count(m => m.RemoteEndPoint.Address.Equals(source));

    private static async Task EnqueueAsync(DeliveryNode node, int count)
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(1, count).Select(i => node.EnqueueAsync("news@sender.test", [$"user{i}@gmail.test"],
            Encoding.ASCII.GetBytes($"From: news@sender.test\r\nTo: user{i}@gmail.test\r\nSubject: warm-up {batch} {i}\r\n\r\nhello {batch} {i}\r\n"))));
    }

    /// <summary>Noon of one fixed day, always.</summary>
    private sealed class FixedDay : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    }
}
