using System.Text.Json;
using ActorMta.IntegrationTests.Delivery;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>
/// /metrics after a known workload, read over HTTP: names, Prometheus types and exact values. The node runs
/// as its own process, so no other test's node adds to its process-wide counts; the one scrape comes after
/// the workload, so it also shows that what was counted before the first scrape is kept.
/// </summary>
public sealed class NodeMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private readonly TempDirectory _data = new();
    private TestSmtpSink _sink = null!;

    public Task InitializeAsync()
    {
        _sink = TestSmtpSink.Start();
        // Recipients and the sender's domain (where the DSN goes) both have the sink as their MX.
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1")
            .Zone("origin.test").Mx("origin.test", 10, "mx.example.test");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        _dns.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task After_three_deliveries_a_deferral_and_a_bounce_the_first_scrape_shows_every_count_with_its_type()
    {
        _sink.Replies.OnRecipient("later@example.test").Times(1).Reply(451, "4.3.0 Try again later");
        _sink.Replies.OnRecipient("gone@example.test").Reply(550, "5.1.1 No such user here");
        var config = Path.Combine(_data.Path, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            actormta.smtp.listeners { submission.enabled = off, smtps.enabled = off, relay.pregreet-wait = 0s }
            actormta.queue.retry { initial = 1s, max = 2s, jitter = 0 }
            actormta.delivery { mx-port = {{_sink.Port}}, allow-private-destinations = on, dns { retries = 0, query-timeout = 10s } }
            # Connections stay open until the scrape; only the busiest domain (example.test) is named, origin.test is "other".
            actormta.delivery.defaults.idle-timeout = 1h
            actormta.management.metrics.top-domains = 1
            """);
        await using var node = NodeProcess.Start(_data.Path, new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() }, config);
        await node.WaitUntilReadyAsync(Deadline);

        await RelayClient.SendAsync(node.RelayPort, Messages(3, "delivered"), "sender@origin.test", "alice@example.test");
        await RelayClient.SendAsync(node.RelayPort, Messages(1, "deferred once"), "sender@origin.test", "later@example.test");
        await RelayClient.SendAsync(node.RelayPort, Messages(1, "bounced"), "sender@origin.test", "gone@example.test");
        // Three, the deferred one on its second attempt, and the DSN for the bounce; then the queue is empty.
        await _sink.WaitForMessagesAsync(5, Deadline);
        await Eventually.True(async () => JsonDocument.Parse(await Http.GetStringAsync(new Uri(node.Management, "/queue"))).RootElement.GetProperty("messages").GetInt32() == 0,
            Deadline, "an empty queue");

        var metrics = PrometheusText.Parse(await Http.GetStringAsync(new Uri(node.Management, "/metrics")));

        AssertCounter(metrics, "actormta_queue_messages_accepted_total", 6); // five over SMTP, one DSN
        AssertCounter(metrics, "actormta_queue_messages_completed_total", 6);
        AssertCounter(metrics, "actormta_queue_recipients_delivered_total", 5);
        AssertCounter(metrics, "actormta_queue_recipients_deferred_total", 1);
        AssertCounter(metrics, "actormta_queue_recipients_failed_total", 1);
        AssertCounter(metrics, "actormta_queue_recipients_expired_total", 0);
        AssertCounter(metrics, "actormta_queue_duplicate_deliveries_total", 0);
        AssertCounter(metrics, "actormta_queue_delivery_leases_expired_total", 0);
        AssertCounter(metrics, "actormta_ingress_auth_failures_total", 0);
        Assert.Equal(5, metrics.Sum("actormta_delivery_attempts_total", ("outcome", "delivered")));
        Assert.Equal(1, metrics.Sum("actormta_delivery_attempts_total", ("outcome", "deferred"), ("bounce_class", "TransientFailure")));
        Assert.Equal(1, metrics.Sum("actormta_delivery_attempts_total", ("outcome", "failed"), ("bounce_class", "InvalidRecipient")));
        Assert.Equal("counter", metrics.Types["actormta_delivery_attempts_total"]);

        AssertHistogram(metrics, "actormta_ingress_accept_duration_seconds", 5);
        AssertHistogram(metrics, "actormta_queue_time_to_delivery_seconds", 5);
        var writes = metrics.Sum("actormta_queue_journal_writes_total")!.Value;
        AssertHistogram(metrics, "actormta_queue_journal_write_duration_seconds", writes);
        AssertHistogram(metrics, "actormta_queue_journal_write_events", writes);
        Assert.Equal(metrics.Sum("actormta_queue_events_written_total"), metrics.Sum("actormta_queue_journal_write_events_sum"));
        Assert.True(metrics.Sum("actormta_delivery_dns_lookup_duration_seconds_count", ("type", "MX"), ("outcome", "ok")) >= 2, "MX lookups of example.test and origin.test");

        AssertGauge(metrics, "actormta_queue_messages", 0);
        Assert.Equal("gauge", metrics.Types["actormta_ingress_sessions_open"]);
        Assert.Equal("gauge", metrics.Types["actormta_delivery_connections"]);
        Assert.True(metrics.Sum("actormta_delivery_connections", ("domain", "example.test")) >= 1, "no connection to example.test");
        Assert.True(metrics.Sum("actormta_delivery_connections", ("domain", "other")) >= 1, "origin.test's connection is not counted as other");
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.GetValueOrDefault("domain") == "origin.test");
    }

    private static IReadOnlyList<MimeKit.MimeMessage> Messages(int count, string subject) =>
        [.. Enumerable.Range(0, count).Select(i => TestMessages.Message($"{subject} {i}", $"Message {i}.\r\n"))];

    private static void AssertCounter(PrometheusText metrics, string name, double expected)
    {
        Assert.Equal("counter", metrics.Types.GetValueOrDefault(name));
        Assert.Equal(expected, metrics.Sum(name));
    }

    private static void AssertGauge(PrometheusText metrics, string name, double expected)
    {
        Assert.Equal("gauge", metrics.Types.GetValueOrDefault(name));
        Assert.Equal(expected, metrics.Sum(name));
    }

    /// <summary>A histogram with one observation per event: its count, its +Inf bucket, and a positive sum.</summary>
    private static void AssertHistogram(PrometheusText metrics, string name, double events)
    {
        Assert.Equal("histogram", metrics.Types.GetValueOrDefault(name));
        Assert.Equal(events, metrics.Sum(name + "_count"));
        Assert.Equal(events, metrics.Sum(name + "_bucket", ("le", "+Inf")));
        Assert.True(metrics.Sum(name + "_sum") > 0, $"{name}_sum is not positive");
    }
}
