using System.Net;
using ActorMta.Delivery;
using ActorMta.Smtp;
using ActorMta.TestSupport.Smtp;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// A domain's delivery actor talking SMTP to an independent sink on loopback (MX from the
/// loopback DNS server, or static and smarthost routes): outcomes per recipient, bytes on the
/// wire, connection reuse and limits, egress sources, TLS and AUTH, backoff.
/// </summary>
public sealed class DomainDeliveryOverSmtpTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task Mail_goes_to_the_MX_byte_for_byte_and_is_reported_delivered()
    {
        var body = DeliveryTestBed.Body("exact", "First line\r\n.starts with a dot\r\n..two dots\r\n\r\nbare\nLF and bare\rCR stay as they are\r\n");
        var request = await Bed.QueueAsync("example.test", body, "sender@origin.test", null, "alice", "bob");
        var (delivery, queue) = Start("example.test");

        delivery.Tell(request);

        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal((request.QueueId, request.DispatchId), (report.QueueId, report.DispatchId));
        Assert.All(report.Results, r =>
        {
            Assert.Equal((DeliveryOutcome.Delivered, 250), (r.Outcome, r.Reply.Code));
            // The sink offers STARTTLS and MX delivery takes it when offered.
            Assert.Equal(("mx.example.test", $"127.0.0.1:{Sink.Port}", true), (r.RemoteHost, r.RemoteAddress, r.Tls));
        });
        var received = Assert.Single(Sink.Messages);
        Assert.True(received.Tls);
        Assert.Equal(body, received.Body);
        Assert.Equal("sender@origin.test", received.ReversePath);
        Assert.Equal(["alice@example.test", "bob@example.test"], received.Recipients.Select(r => r.Address));
        Assert.Equal("localhost", received.HeloName);
    }

    [Fact]
    public async Task The_clients_RET_and_ENVID_go_on_to_a_server_that_offers_DSN()
    {
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("dsn parameters"));
        var (delivery, queue) = Start("example.test");

        delivery.Tell(request with { Ret = DsnReturn.Headers, EnvelopeId = "QQ314159" });

        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        var received = Assert.Single(Sink.Messages);
        Assert.Contains("RET=HDRS", received.MailParameters);
        Assert.Contains("ENVID=QQ314159", received.MailParameters);
    }

    [Fact]
    public async Task A_server_that_says_451_twice_defers_twice_then_delivers()
    {
        Sink.Replies.OnMessage().Times(2).Reply(451, "4.3.0 Try again later");
        var body = DeliveryTestBed.Body("retried");
        var request = await Bed.QueueAsync("example.test", body);
        var (delivery, queue) = Start("example.test");

        var outcomes = new List<RecipientResult>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // The partition dispatches again after each deferral, with a new dispatch id.
            delivery.Tell(request with { DispatchId = request.DispatchId * 10 + attempt });
            outcomes.Add(Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results));
        }

        Assert.Equal([DeliveryOutcome.Deferred, DeliveryOutcome.Deferred, DeliveryOutcome.Delivered], outcomes.Select(o => o.Outcome));
        Assert.Equal(new RemoteReply(451, "4.3.0", "Try again later"), outcomes[0].Reply);
        Assert.Equal(3, Sink.Transactions.Count);
        Assert.Equal(body, Assert.Single(Sink.Messages).Body);
    }

    [Fact]
    public async Task A_550_fails_the_recipient_and_refusals_are_per_recipient()
    {
        Sink.Replies.OnRecipient("gone@example.test").Reply(550, "5.1.1 No such user here");
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("partly"), "sender@origin.test", null, "gone", "here");
        var (delivery, queue) = Start("example.test");

        delivery.Tell(request);

        var results = queue.ExpectMsg<DeliveryReport>(Deadline).Results;
        Assert.Equal((DeliveryOutcome.Failed, new RemoteReply(550, "5.1.1", "No such user here")), (results[0].Outcome, results[0].Reply));
        Assert.Equal(DeliveryOutcome.Delivered, results[1].Outcome);
        Assert.Equal(["here@example.test"], Assert.Single(Sink.Messages).Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task Consecutive_messages_reuse_one_connection_and_it_closes_when_idle()
    {
        await using var bed = await StartBedAsync("actormta.delivery.defaults.idle-timeout = 1s");
        var (delivery, queue) = Start("example.test", bed);

        for (var i = 0; i < 4; i++)
        {
            delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body($"reuse {i}")));
            Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        }

        Assert.Equal(1, Sink.TotalConnections);
        Assert.Equal(4, Sink.Messages.Count);
        // One session set up once (one STARTTLS), then a transaction per message (RSET only after one that stopped early).
        Assert.Single(Sink.Commands, c => c.Line.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(4, Sink.Commands.Count(c => c.Line.StartsWith("MAIL FROM", StringComparison.OrdinalIgnoreCase)));
        await Sink.WaitForIdleAsync(Deadline);
        Assert.Contains(Sink.Commands, c => c.Line.Equals("QUIT", StringComparison.OrdinalIgnoreCase));
        await ActorMta.TestSupport.Eventually.True(async () => (await StatusAsync(delivery, "example.test")).Connections.Count == 0, Deadline, "the closed connection to leave the status");
    }

    [Fact]
    public async Task A_connection_carries_at_most_the_configured_messages()
    {
        await using var bed = await StartBedAsync("actormta.delivery.defaults { max-messages-per-connection = 2, max-connections = 1 }");
        var (delivery, queue) = Start("example.test", bed);

        for (var i = 0; i < 5; i++) delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body($"per connection {i}")));
        for (var i = 0; i < 5; i++) Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);

        Assert.Equal(3, Sink.TotalConnections);
        Assert.Equal([2, 2, 1], Sink.Messages.GroupBy(m => m.ConnectionNumber).Select(g => g.Count()));
    }

    [Fact]
    public async Task Parallel_connections_never_exceed_the_limit_and_the_limit_is_used()
    {
        await using var bed = await StartBedAsync("""actormta.delivery.domains."example.test".max-connections = 2""");
        var (delivery, queue) = Start("example.test", bed);

        for (var i = 0; i < 60; i++) delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body($"parallel {i}")));
        for (var i = 0; i < 60; i++) Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);

        Assert.Equal(2, Sink.MaxConcurrentConnections);
        Assert.Equal(60, Sink.Messages.Count);
    }

    [Fact]
    public async Task A_message_rate_limit_spaces_deliveries()
    {
        await using var bed = await StartBedAsync("""actormta.delivery.domains."example.test".max-messages-per-second = 20""");
        var (delivery, queue) = Start("example.test", bed);

        // All requests at once: the limiter, not the pace of queueing them, must be what spaces the deliveries.
        var requests = new List<DeliveryRequest>();
        for (var i = 0; i < 60; i++) requests.Add(await bed.QueueAsync("example.test", DeliveryTestBed.Body($"rate {i}")));
        foreach (var request in requests) delivery.Tell(request);
        for (var i = 0; i < 60; i++) queue.ExpectMsg<DeliveryReport>(Deadline);

        // Never faster than the limit, from the sink's recorded times: 21 intervals of 50 ms, less the one the
        // limiter lets come early and some receive-time jitter. Not slower than the limit is the limiter's own
        // property, shown on a fake clock (RateLimiterTests); here a loaded machine may slow delivery, and that is right.
        var times = Sink.Messages.Select(m => m.ReceivedAt).Order().ToArray();
        Assert.Equal(60, times.Length);
        for (var i = 0; i + 21 < times.Length; i++)
            Assert.True(times[i + 21] - times[i] >= TimeSpan.FromSeconds(0.9), $"22 deliveries within {(times[i + 21] - times[i]).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Connections_come_from_the_configured_egress_source_with_its_EHLO_name()
    {
        await using var bed = await StartBedAsync("""
            actormta.delivery {
              egress-sources.second { address = "127.0.0.2", ehlo-name = "mta2.origin.test" }
              domains."example.test".egress = [second]
            }
            """);
        var (delivery, queue) = Start("example.test", bed);

        delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body("egress")));

        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        var received = Assert.Single(Sink.Messages);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), received.RemoteEndPoint.Address);
        Assert.Equal("mta2.origin.test", received.HeloName);
    }

    [Fact]
    public async Task A_pool_of_sources_spreads_connections_and_limits_apply_per_source()
    {
        await using var bed = await StartBedAsync("""
            actormta.delivery {
              egress-sources {
                a { address = "127.0.0.2", ehlo-name = "a.origin.test" }
                b { address = "127.0.0.3", ehlo-name = "b.origin.test" }
              }
              domains."example.test" { egress = [a, b], max-connections = 1 }
            }
            """);
        var (delivery, queue) = Start("example.test", bed);

        for (var i = 0; i < 40; i++) delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body($"pool {i}")));
        for (var i = 0; i < 40; i++) Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);

        // One connection per source: two at once in all, each saying its own name.
        Assert.Equal(2, Sink.MaxConcurrentConnections);
        var bySource = Sink.Messages.GroupBy(m => (m.RemoteEndPoint.Address.ToString(), m.HeloName)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([("127.0.0.2", "a.origin.test"), ("127.0.0.3", "b.origin.test")], bySource.Keys.Order());
        Assert.All(bySource.Values, count => Assert.True(count > 0));
    }

    [Fact]
    public async Task A_smarthost_gets_STARTTLS_and_AUTH()
    {
        await using var smarthost = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = new SinkCredentials("relay-user", "relay pass") });
        await using var bed = await StartBedAsync($$"""
            actormta.delivery.smarthost { address = "127.0.0.1:{{smarthost.Port}}", verify-certificate = off, username = "relay-user", password = "relay pass" }
            actormta.delivery.domains."gmail.test".route = smarthost
            """);
        var (delivery, queue) = Start("gmail.test", bed);
        var body = DeliveryTestBed.Body("via smarthost");

        delivery.Tell(await bed.QueueAsync("gmail.test", body));

        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Delivered, true), (result.Outcome, result.Tls));
        var received = Assert.Single(smarthost.Messages);
        Assert.True(received.Tls);
        Assert.Equal("relay-user", received.AuthenticatedUser);
        Assert.Equal(body, received.Body);
    }

    [Fact]
    public async Task Required_TLS_that_the_server_does_not_offer_defers_without_sending()
    {
        await using var plain = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });
        await using var bed = await StartBedAsync($$"""actormta.delivery.domains."secure.test" { route = static, hosts = ["127.0.0.1:{{plain.Port}}"], tls = required }""");
        var (delivery, queue) = Start("secure.test", bed);

        delivery.Tell(await bed.QueueAsync("secure.test", DeliveryTestBed.Body("needs tls")));

        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Deferred, 451), (result.Outcome, result.Reply.Code));
        Assert.StartsWith("4.7.", result.Reply.EnhancedCode);
        Assert.Empty(plain.Transactions);
    }

    [Fact]
    public async Task The_next_MX_is_tried_when_the_first_refuses_connections()
    {
        await using var bed = await StartBedAsync("");
        // Nothing listens on 127.0.0.3 at the sink's port: the preferred MX refuses.
        bed.Dns.Zone("two.test").Mx("two.test", 10, "down.two.test").A("down.two.test", "127.0.0.3").Mx("two.test", 20, "up.two.test").A("up.two.test", "127.0.0.1");
        var (delivery, queue) = Start("two.test", bed);

        delivery.Tell(await bed.QueueAsync("two.test", DeliveryTestBed.Body("second mx")));

        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Delivered, "up.two.test"), (result.Outcome, result.RemoteHost));
    }

    [Fact]
    public async Task Connection_failures_at_every_MX_defer_with_4_4_1_and_repeated_ones_suspend_the_domain()
    {
        await using var bed = await StartBedAsync("actormta.delivery.defaults.backoff { suspend-after-connection-failures = 2, suspend-for = 30s }");
        bed.Dns.Zone("down.test").Mx("down.test", 10, "mx.down.test").A("mx.down.test", "127.0.0.3");
        var (delivery, queue) = Start("down.test", bed);

        delivery.Tell(await bed.QueueAsync("down.test", DeliveryTestBed.Body("refused 1")));
        var first = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        delivery.Tell(await bed.QueueAsync("down.test", DeliveryTestBed.Body("refused 2")));
        var second = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        delivery.Tell(await bed.QueueAsync("down.test", DeliveryTestBed.Body("refused 3")));
        var third = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);

        Assert.Equal((DeliveryOutcome.Deferred, "4.4.1"), (first.Outcome, first.Reply.EnhancedCode));
        Assert.NotNull(second.RetryNotBefore); // the second failure suspended the domain
        Assert.Equal((DeliveryOutcome.Deferred, "4.4.5"), (third.Outcome, third.Reply.EnhancedCode));
        var status = await StatusAsync(delivery, "down.test");
        Assert.Equal("suspended", status.State);
        Assert.Contains("2 connection attempts in a row failed", status.SuspendReason);
    }

    [Fact]
    public async Task A_421_matching_a_reply_pattern_suspends_the_domain_and_it_resumes_by_itself()
    {
        await using var bed = await StartBedAsync("""
            actormta.delivery.domains."example.test".reply-patterns = [{ match = "^421 .*rate limit", action = suspend, for = 2s }]
            """);
        Sink.Replies.OnMessage().Times(1).ReplyAndClose(421, "4.7.0 Rate limit exceeded, closing");
        var (delivery, queue) = Start("example.test", bed);

        delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body("pushed back")));
        var pushedBack = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body("while suspended")));
        var whileSuspended = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);

        Assert.Equal((DeliveryOutcome.Deferred, 421), (pushedBack.Outcome, pushedBack.Reply.Code));
        Assert.Equal((DeliveryOutcome.Deferred, "4.4.5"), (whileSuspended.Outcome, whileSuspended.Reply.EnhancedCode));
        var suspended = await StatusAsync(delivery, "example.test");
        Assert.Equal("suspended", suspended.State);
        Assert.Equal(suspended.SuspendedUntil, whileSuspended.RetryNotBefore);
        Assert.Single(Sink.Transactions);

        await ActorMta.TestSupport.Eventually.True(async () => (await StatusAsync(delivery, "example.test")).State != "suspended", Deadline, "the suspension to end");
        delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body("after resume")));
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        Assert.Equal(["suspended", "active"], (await StatusAsync(delivery, "example.test")).RecentChanges.Select(c => c.State));
    }

    [Fact]
    public async Task Many_recipients_go_in_transactions_of_the_configured_size()
    {
        await using var bed = await StartBedAsync("actormta.delivery.defaults.max-recipients-per-transaction = 2");
        var request = await bed.QueueAsync("example.test", DeliveryTestBed.Body("split"), "sender@origin.test", null, "a", "b", "c", "d", "e");
        var (delivery, queue) = Start("example.test", bed);

        delivery.Tell(request);

        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal([0, 1, 2, 3, 4], report.Results.Select(r => r.Index));
        Assert.All(report.Results, r => Assert.Equal(DeliveryOutcome.Delivered, r.Outcome));
        Assert.Equal([2, 2, 1], Sink.Messages.Select(m => m.Recipients.Count));
        Assert.Equal(1, Sink.TotalConnections);
    }
}
