using System.Text;
using System.Text.Json;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// SMTP in (MailKit into the node's relay listener) → queue → MX from a real DNS server on
/// loopback → an independent SMTP sink, whose bytes are compared with what was sent.
/// </summary>
public sealed class EndToEndDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private TestSmtpSink _sink = null!;

    public Task InitializeAsync()
    {
        _sink = TestSmtpSink.Start();
        // example.test's MX is the sink (127.0.0.1, on the sink's port through actormta.delivery.mx-port;
        // a loopback MX needs allow-private-destinations, which the node refuses by default).
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        _dns.Dispose();
    }

    private Task<DeliveryNode> StartNodeAsync(string hocon = "") =>
        DeliveryNode.StartAsync($"actormta.delivery {{ mx-port = {_sink.Port}, allow-private-destinations = on }}\n{hocon}",
            new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() });

    private static IReadOnlyList<MimeKit.MimeMessage> Messages(int count, string subject) =>
        [.. Enumerable.Range(0, count).Select(i => TestMessages.Message($"{subject} {i}", $"Message {i}.\r\n"))];

    /// <summary>The sink got exactly what was submitted, after the trace header the node added.</summary>
    private static void AssertRelayedExactly(byte[] submitted, ReceivedMessage received)
    {
        Assert.True(received.Body.AsSpan().EndsWith(submitted), "the relayed message does not end with the submitted bytes");
        var added = Encoding.UTF8.GetString(received.Body, 0, received.Body.Length - submitted.Length);
        Assert.StartsWith("Received: from ", added);
        Assert.EndsWith("\r\n", added);
        Assert.DoesNotContain("\r\n\r\n", added);
    }

    [Fact]
    public async Task A_message_is_delivered_to_the_MX_byte_for_byte()
    {
        await using var node = await StartNodeAsync();
        var message = TestMessages.Message("byte for byte", "Line one\r\n.a dot line\r\n..two dots\r\nLast line\r\n");

        await RelayClient.SendAsync(node.RelayPort, [message], "sender@origin.test", "alice@example.test", "bob@example.test");

        var received = Assert.Single(await _sink.WaitForMessagesAsync(1, Deadline));
        AssertRelayedExactly(TestMessages.Wire(message), received);
        Assert.Equal("sender@origin.test", received.ReversePath);
        Assert.Equal(["alice@example.test", "bob@example.test"], received.Recipients.Select(r => r.Address));
        var domain = (await node.GetJsonAsync("/delivery/domains/example.test"));
        Assert.Equal(2, domain.GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task A_message_past_the_spool_threshold_is_delivered_byte_for_byte_and_leaves_no_spool_file()
    {
        await using var node = await StartNodeAsync("actormta.smtp.spool-threshold = 64KiB");
        var text = new StringBuilder();
        for (var i = 0; i < 12_000; i++) text.Append($"line {i:D6}: spooled to a file on the way in, streamed into the body store\r\n");
        var message = TestMessages.Message("large", text.ToString());

        await RelayClient.SendAsync(node.RelayPort, [message], "sender@origin.test", "alice@example.test");

        var received = Assert.Single(await _sink.WaitForMessagesAsync(1, Deadline));
        Assert.True(TestMessages.Wire(message).Length > 10 * 64 * 1024); // many times the threshold
        AssertRelayedExactly(TestMessages.Wire(message), received);
        Assert.Empty(Directory.GetFiles(Path.Combine(node.DataDirectory, "spool")));
    }

    [Fact]
    public async Task Metrics_count_what_the_queue_accepted_and_delivered()
    {
        await using var node = await StartNodeAsync();
        // Counters are per process and other tests' nodes run beside this one: compare against a baseline.
        var accepted = await node.GetMetricAsync("actormta_queue_messages_accepted_total") ?? 0;
        var delivered = await node.GetMetricAsync("actormta_queue_recipients_delivered_total") ?? 0;

        await RelayClient.SendAsync(node.RelayPort, Messages(3, "counted"), "sender@origin.test", "alice@example.test", "bob@example.test");
        await _sink.WaitForMessagesAsync(3, Deadline);

        await Eventually.Returns(() => node.GetMetricAsync("actormta_queue_recipients_delivered_total"), d => d >= delivered + 6, Deadline,
            "six more delivered recipients on /metrics");
        Assert.True(await node.GetMetricAsync("actormta_queue_messages_accepted_total") >= accepted + 3);
        Assert.NotNull(await node.GetMetricAsync("actormta_queue_journal_writes_total"));
        Assert.NotNull(await node.GetMetricAsync("actormta_queue_messages"));
    }

    [Fact]
    public async Task A_server_that_says_451_twice_gets_the_message_on_the_third_attempt()
    {
        _sink.Replies.OnMessage().Times(2).Reply(451, "4.3.0 Try again later");
        await using var node = await StartNodeAsync();
        var message = TestMessages.Message("retried", "Third time lucky.\r\n");

        await RelayClient.SendAsync(node.RelayPort, [message], "sender@origin.test", "rcpt@example.test");

        var received = Assert.Single(await _sink.WaitForMessagesAsync(1, Deadline));
        AssertRelayedExactly(TestMessages.Wire(message), received);
        Assert.Equal([451, 451, 250], _sink.Transactions.Select(t => t.ReplyCode));
        var log = await Eventually.Returns(() => Task.FromResult(File.ReadAllLines(Path.Combine(node.DataDirectory, "delivery.log"))),
            l => l.Length >= 3, Deadline, "three delivery log lines");
        Assert.Equal([(1, "deferred"), (2, "deferred"), (3, "delivered")],
            log.Select(l => JsonDocument.Parse(l).RootElement).Select(e => (e.GetProperty("attempt").GetInt32(), e.GetProperty("outcome").GetString()!)));
        // Deferrals carry their bounce class, in the log and in the metric by outcome and class.
        Assert.Equal(["TransientFailure", "TransientFailure"], log.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("outcome").GetString() == "deferred").Select(e => e.GetProperty("bounceClass").GetString()));
        var attempts = await Eventually.Returns(() => node.GetLabelledMetricAsync("actormta_delivery_attempts_total", ("outcome", "deferred"), ("bounce_class", "TransientFailure")),
            n => n >= 2, Deadline, "deferred TransientFailure attempts in /metrics");
        Assert.True(attempts >= 2);
    }

    [Fact]
    public async Task A_null_MX_fails_the_recipient_without_any_connection()
    {
        _dns.NullMx("nomail.example.test");
        await using var node = await StartNodeAsync();

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("to null mx", "Nobody home.\r\n", to: "rcpt@nomail.example.test")], "sender@origin.test", "rcpt@nomail.example.test");

        // Only the recipient's line: the sender's domain is not in DNS here, so its DSN waits (EndToEndBounceTests follow DSNs).
        var log = Path.Combine(node.DataDirectory, "delivery.log");
        var lines = await Eventually.Returns(() => Task.FromResult(File.Exists(log) ? File.ReadAllLines(log) : []),
            l => l.Any(x => x.Contains("rcpt@nomail.example.test")), Deadline, "the recipient's delivery log line");
        var entry = JsonDocument.Parse(Assert.Single(lines, l => l.Contains("rcpt@nomail.example.test"))).RootElement;
        Assert.Equal(("failed", 556, "5.1.10"), (entry.GetProperty("outcome").GetString(), entry.GetProperty("code").GetInt32(), entry.GetProperty("enhancedCode").GetString()));
        Assert.Equal(0, _sink.TotalConnections);
    }

    [Fact]
    public async Task A_smarthost_needing_STARTTLS_and_AUTH_gets_the_mail()
    {
        await using var smarthost = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = new SinkCredentials("relay-user", "relay pass") });
        await using var node = await StartNodeAsync($$"""
            actormta.delivery.smarthost { address = "127.0.0.1:{{smarthost.Port}}", verify-certificate = off, username = "relay-user", password = "relay pass" }
            actormta.delivery.domains."gmail.test".route = smarthost
            """);
        var message = TestMessages.Message("via smarthost", "Relayed.\r\n", to: "someone@gmail.test");

        await RelayClient.SendAsync(node.RelayPort, [message], "sender@origin.test", "someone@gmail.test");

        var received = Assert.Single(await smarthost.WaitForMessagesAsync(1, Deadline));
        AssertRelayedExactly(TestMessages.Wire(message), received);
        Assert.True(received.Tls);
        Assert.Equal("relay-user", received.AuthenticatedUser);
        Assert.Equal(0, _sink.TotalConnections);
    }

    [Fact]
    public async Task A_domain_limited_to_20_messages_a_second_gets_400_messages_at_that_rate()
    {
        await using var node = await StartNodeAsync("""actormta.delivery.domains."example.test".max-messages-per-second = 20""");

        await RelayClient.SendInParallelAsync(node.RelayPort, Messages(400, "rate"), 8, "sender@origin.test", "rcpt@example.test");

        var received = await _sink.WaitForMessagesAsync(400, TimeSpan.FromSeconds(90));
        // From the sink's recorded times: never faster than the limit over the whole run, and the limit, not the
        // node, is what paces it (some two-second stretch runs at the limit: 40 deliveries, less one for jitter).
        // A loaded machine may slow the run as a whole, and that is right; the limiter's average is RateLimiterTests'.
        var times = received.Select(m => m.ReceivedAt).Order().ToArray();
        var rate = (times.Length - 1) / (times[^1] - times[0]).TotalSeconds;
        Assert.True(rate <= 22, $"{rate:0.0} messages a second");
        var busiest = times.Select((at, i) => times.Skip(i).TakeWhile(t => t - at < TimeSpan.FromSeconds(2)).Count()).Max();
        Assert.InRange(busiest, 39, 45);
    }

    [Fact]
    public async Task A_domain_limited_to_2_connections_never_gets_a_third()
    {
        await using var node = await StartNodeAsync("""actormta.delivery.domains."example.test".max-connections = 2""");

        await RelayClient.SendInParallelAsync(node.RelayPort, Messages(150, "two connections"), 8, "sender@origin.test", "rcpt@example.test");

        await _sink.WaitForMessagesAsync(150, Deadline);
        Assert.Equal(2, _sink.MaxConcurrentConnections);
    }

    [Fact]
    public async Task A_421_that_matches_a_reply_pattern_suspends_the_domain_until_it_resumes_by_itself()
    {
        _sink.Replies.OnMessage().Times(1).ReplyAndClose(421, "4.7.0 Rate limit exceeded, try again later");
        await using var node = await StartNodeAsync("""
            actormta.delivery.domains."example.test".reply-patterns = [{ match = "^421 .*rate limit", action = suspend, for = 4s }]
            """);

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("pushed back", "First.\r\n")], "sender@origin.test", "rcpt@example.test");
        var suspended = await Eventually.Returns(() => node.GetJsonAsync("/delivery/domains"),
            d => d.GetProperty("domains").EnumerateArray().Any(e => e.GetProperty("state").GetString() == "suspended"), Deadline, "example.test suspended");
        var status = Assert.Single(suspended.GetProperty("domains").EnumerateArray());
        Assert.Contains("Rate limit exceeded", status.GetProperty("suspendReason").GetString());
        var until = status.GetProperty("suspendedUntil").GetDateTimeOffset();
        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("while suspended", "Second.\r\n")], "sender@origin.test", "rcpt@example.test");

        var received = await _sink.WaitForMessagesAsync(2, Deadline);
        Assert.All(received, m => Assert.True(m.ReceivedAt >= until, $"delivered at {m.ReceivedAt:O}, before the suspension ended at {until:O}"));
        Assert.Equal([421, 250, 250], _sink.Transactions.Select(t => t.ReplyCode));
        var after = await node.GetJsonAsync("/delivery/domains/example.test");
        Assert.Equal(["suspended", "active"], after.GetProperty("recentChanges").EnumerateArray().Select(c => c.GetProperty("state").GetString()));
    }
}
