using System.Globalization;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>The real executable killed with SIGKILL between retries: deferred mail comes back on its schedule after a start.</summary>
public sealed class RestartDuringRetriesTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Deferred_mail_resumes_on_schedule_after_kill_9_and_start()
    {
        using var data = new TempDirectory();
        using var dns = LoopbackDnsServer.Start();
        await using var sink = TestSmtpSink.Start();
        dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        sink.Replies.OnMessage().Times(2).Reply(451, "4.3.0 Try again later");
        var config = Path.Combine(data.Path, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            actormta.smtp.listeners { submission.enabled = off, smtps.enabled = off, relay.pregreet-wait = 0s }
            actormta.queue.retry { initial = {{RetryEvery.TotalSeconds}}s, max = {{RetryEvery.TotalSeconds}}s, jitter = 0 }
            actormta.delivery { mx-port = {{sink.Port}}, allow-private-destinations = on, dns { retries = 0, query-timeout = 2s } }
            """);
        var environment = TestNode.IsolatedEnvironment(data.Path);
        // JSON logs at Information: the second node's partition recoveries, with their times.
        environment["ACTORMTA_LOG_FORMAT"] = "json";
        environment["ACTORMTA_LOG_LEVEL"] = "Information";
        var relayPort = FreePort.Tcp();
        var managementPort = FreePort.Tcp();
        environment["ACTORMTA_SMTP_RELAY_PORT"] = relayPort.ToString(CultureInfo.InvariantCulture);
        environment["ACTORMTA_MANAGEMENT_PORT"] = managementPort.ToString(CultureInfo.InvariantCulture);
        environment["ACTORMTA_DNS_SERVERS"] = dns.EndPoint.ToString();
        var ready = new Uri($"http://127.0.0.1:{managementPort}/health/ready");
        var message = TestMessages.Message("survives kill -9", "Deferred, killed, resumed.\r\n");

        var first = HostProcess.Start(environment, "--config", config);
        try
        {
            await WaitReadyAsync(first, ready);
            await RelayClient.SendAsync(relayPort, [message], "sender@origin.test", "rcpt@example.test");
            await sink.WaitForTransactionsAsync(1, TimeSpan.FromSeconds(30));
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await first.DisposeAsync();
        }
        var deferredAt = sink.Transactions[0].ReceivedAt;
        Assert.Single(sink.Transactions); // killed before the retry was due

        await using var second = HostProcess.Start(environment, "--config", config);
        await WaitReadyAsync(second, ready);
        var delivered = Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60)));

        var attempts = sink.Transactions.Select(t => t.ReceivedAt).ToArray();
        Assert.Equal([451, 451, 250], sink.Transactions.Select(t => t.ReplyCode));
        // Recorded times only (the sink's, the node's log), never gaps between test steps: a slow start under load
        // makes the first retry late, and that is right. Each retry comes when due, not before, and not a
        // whole interval after it could (a schedule reset by the restart would be RetryEvery late).
        var early = TimeSpan.FromMilliseconds(500);
        var slack = RetryEvery / 2;
        var recovered = LastPartitionRecovery(second.Output);
        Assert.InRange(attempts[1] - deferredAt, RetryEvery - early, TimeSpan.MaxValue);
        Assert.True(attempts[1] <= Max(deferredAt + RetryEvery, recovered) + slack,
            $"retry at {attempts[1]:O}: due {deferredAt + RetryEvery:O}, partitions recovered {recovered:O}");
        Assert.InRange(attempts[2] - attempts[1], RetryEvery - early, RetryEvery + slack);
        Assert.True(delivered.Body.AsSpan().EndsWith(TestMessages.Wire(message)));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The time of the last "Partition N recovered" line in a node's JSON log.</summary>
    private static DateTimeOffset LastPartitionRecovery(string output) =>
        output.Split('\n')
            .Where(line => line.StartsWith('{') && line.Contains(" recovered: ", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(log => log.GetProperty("Message").GetString()!.Contains("] Partition ", StringComparison.Ordinal)) // after Akka's [INFO][time][thread][path]
            .Select(log => DateTimeOffset.Parse(log.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(DateTimeOffset.MinValue)
            .Max();

    private static Task WaitReadyAsync(HostProcess host, Uri ready) =>
        Eventually.True(async () =>
        {
            if (host.HasExited) throw new InvalidOperationException("the node exited: " + host.Output);
            return (await Http.GetAsync(ready)).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), "the node to be ready");
}
