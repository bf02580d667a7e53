using System.Text.Json;
using ActorMta.Delivery;
using ActorMta.TestSupport.Dns;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// A domain's delivery actor where the answer needs no SMTP session: DNS says no (null MX,
/// NXDOMAIN), DNS cannot say (SERVFAIL), the mail expired, the domain is suspended or busy,
/// and the maildir route. Reports go to a probe standing in for the queue.
/// </summary>
public sealed class DomainDeliveryWithoutConnectionTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task A_null_MX_fails_the_recipients_with_5_1_10_without_any_connection()
    {
        Bed.Dns.NullMx("nullmx.example.test");

        var result = await DeliverOneAsync("nullmx.example.test");

        Assert.Equal((DeliveryOutcome.Failed, 556, "5.1.10"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Null(result.RemoteHost);
        Assert.Equal(0, Sink.TotalConnections);
        Assert.Equal(1, Bed.Dns.QueryCount("nullmx.example.test", DnsRecordType.Mx));
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_fails_with_5_1_2()
    {
        var result = await DeliverOneAsync("nowhere.example.test");

        Assert.Equal((DeliveryOutcome.Failed, 550, "5.1.2"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Contains("NXDOMAIN", result.Reply.Text);
    }

    [Fact]
    public async Task A_DNS_server_failure_defers_with_4_4_3()
    {
        Bed.Dns.ServerFailure("broken.example.test");

        var result = await DeliverOneAsync("broken.example.test");

        Assert.Equal((DeliveryOutcome.Deferred, 451, "4.4.3"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task An_expired_request_is_answered_deferred_at_once_without_dns()
    {
        var result = await DeliverOneAsync("late.example.test", expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal((DeliveryOutcome.Deferred, "4.4.7"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(0, Bed.Dns.TotalQueries);
    }

    [Fact]
    public async Task A_suspended_domain_defers_with_the_resume_time_and_resumes_by_itself()
    {
        Bed.Dns.NullMx("paused.example.test");
        var (delivery, queue) = Start("paused.example.test");

        var status = await delivery.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.Suspend("paused.example.test", TimeSpan.FromSeconds(2), "maintenance"), Deadline);
        Assert.Equal("suspended", status.State);
        Assert.Contains("maintenance", status.SuspendReason);

        var request = await Bed.QueueAsync("paused.example.test", DeliveryTestBed.Body("suspended"));
        delivery.Tell(request);
        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Deferred, "4.4.5"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(status.SuspendedUntil, result.RetryNotBefore);
        Assert.Equal(0, Bed.Dns.TotalQueries);

        // After the suspension, the next request is worked on (here: null MX, so it fails without a connection).
        await ActorMta.TestSupport.Eventually.True(async () =>
            (await StatusAsync(delivery, "paused.example.test")).State == "idle", Deadline, "the suspension to end");
        delivery.Tell(request with { DispatchId = request.DispatchId + 1000 });
        Assert.Equal(DeliveryOutcome.Failed, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        var changes = (await StatusAsync(delivery, "paused.example.test")).RecentChanges;
        Assert.Equal(["suspended", "active"], changes.Select(c => c.State));
    }

    [Fact]
    public async Task A_request_that_waits_max_backlog_wait_is_answered_busy_so_the_lease_never_runs_out()
    {
        await using var bed = await StartBedAsync("actormta.delivery { dns.query-timeout = 20s, max-backlog-wait = 1s }");
        bed.Dns.Mx("slow.example.test", 10, "mx.slow.example.test").A("mx.slow.example.test", "127.0.0.1");
        using var hold = bed.Dns.Hold("slow.example.test");
        var request = await bed.QueueAsync("slow.example.test", DeliveryTestBed.Body("busy"));
        var (delivery, queue) = Start("slow.example.test", bed);
        var sent = DateTimeOffset.UtcNow;

        delivery.Tell(request);

        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        var waited = DateTimeOffset.UtcNow - sent;
        Assert.Equal((DeliveryOutcome.Deferred, "4.4.5"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Contains("busy", result.Reply.Text);
        // Not before max-backlog-wait; the upper bound only has to beat the held DNS query's 20 s timeout
        // (whose answer would be 4.4.3), so a loaded machine does not fail it.
        Assert.InRange(waited, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task More_requests_than_the_backlog_holds_are_deferred_at_once()
    {
        await using var bed = await StartBedAsync("actormta.delivery { max-backlog = 2, dns.query-timeout = 20s }");
        bed.Dns.Mx("full.example.test", 10, "mx.full.example.test").A("mx.full.example.test", "127.0.0.1");
        using var hold = bed.Dns.Hold("full.example.test");
        var (delivery, queue) = Start("full.example.test", bed);
        var requests = new List<DeliveryRequest>();
        for (var i = 0; i < 3; i++) requests.Add(await bed.QueueAsync("full.example.test", DeliveryTestBed.Body($"backlog {i}")));

        requests.ForEach(r => delivery.Tell(r));

        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal(requests[2].QueueId, report.QueueId);
        Assert.Contains("2 messages already waiting", Assert.Single(report.Results).Reply.Text);
        var status = await delivery.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.GetStatus("full.example.test"), Deadline);
        Assert.Equal((2, "active"), (status.Backlog, status.State));
    }

    [Fact]
    public async Task The_maildir_route_writes_one_file_per_recipient_and_reports_delivered()
    {
        await using var bed = await DeliveryTestBed.StartAsync("""actormta.delivery.domains."local.test" { route = maildir, directory = "mail/local" }""");
        var body = DeliveryTestBed.Body("maildir", "Line one\r\n.dot line\r\n");
        var request = await bed.QueueAsync("local.test", body, "sender@origin.test", null, "alice", "bob");
        var (delivery, queue) = Start("local.test", bed);

        delivery.Tell(request);

        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.All(report.Results, r => Assert.Equal((DeliveryOutcome.Delivered, 250, "maildir"), (r.Outcome, r.Reply.Code, r.RemoteHost)));
        var directory = Path.Combine(bed.DataDirectory, "mail", "local");
        Assert.Empty(Directory.GetFiles(Path.Combine(directory, "tmp")));
        var files = Directory.GetFiles(Path.Combine(directory, "new")).Select(File.ReadAllBytes).ToArray();
        Assert.Equal(2, files.Length);
        foreach (var recipient in new[] { "alice@local.test", "bob@local.test" })
        {
            var expected = System.Text.Encoding.UTF8.GetBytes($"Return-Path: <sender@origin.test>\r\nDelivered-To: {recipient}\r\n").Concat(body).ToArray();
            Assert.Contains(files, f => f.AsSpan().SequenceEqual(expected));
        }
    }

    [Fact]
    public async Task Every_outcome_is_one_json_line_in_the_delivery_log()
    {
        Bed.Dns.NullMx("logged.example.test");
        var request = await Bed.QueueAsync("logged.example.test", DeliveryTestBed.Body("log"), "sender@origin.test", null, "a", "b");
        var (delivery, queue) = Start("logged.example.test");

        delivery.Tell(request);
        queue.ExpectMsg<DeliveryReport>(Deadline);

        var lines = await ActorMta.TestSupport.Eventually.Returns(
            () => Task.FromResult(File.Exists(Bed.LogFile) ? File.ReadAllLines(Bed.LogFile) : []), l => l.Length >= 2, Deadline, "two delivery log lines");
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["a@logged.example.test", "b@logged.example.test"], entries.Select(e => e.GetProperty("recipient").GetString()));
        var first = entries[0];
        Assert.Equal(request.QueueId, first.GetProperty("queueId").GetString());
        Assert.Equal("sender@origin.test", first.GetProperty("sender").GetString());
        Assert.Equal("logged.example.test", first.GetProperty("domain").GetString());
        Assert.Equal(556, first.GetProperty("code").GetInt32());
        Assert.Equal("5.1.10", first.GetProperty("enhancedCode").GetString());
        Assert.Equal("failed", first.GetProperty("outcome").GetString());
        Assert.Equal("BadDomain", first.GetProperty("bounceClass").GetString());
        Assert.Equal(1, first.GetProperty("attempt").GetInt32());
        Assert.Equal("mx", first.GetProperty("route").GetString());
        Assert.False(first.GetProperty("tls").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("mxHost").ValueKind);
        Assert.True(first.GetProperty("timeInQueueSeconds").GetDouble() >= 0);
        Assert.True(DateTimeOffset.TryParse(first.GetProperty("time").GetString(), out _));
        Assert.Contains("does not accept mail", first.GetProperty("text").GetString());
    }
    [Fact]
    public async Task An_idle_domain_asks_its_shard_to_passivate_it_but_not_while_it_is_backing_off()
    {
        await using var bed = await StartBedAsync("actormta.delivery.passivate-after = 1s");
        var queue = QueueProbe();
        var shard = CreateTestProbe();
        var suspended = shard.ChildActorOf(DomainDelivery.Props("held.example.test", bed.Context(), queue.Ref));
        await suspended.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.Suspend("held.example.test", TimeSpan.FromSeconds(30), "test"), Deadline);
        var idle = shard.ChildActorOf(DomainDelivery.Props("idle.example.test", bed.Context(), queue.Ref));

        var passivate = shard.ExpectMsg<Akka.Cluster.Sharding.Passivate>(Deadline);

        Assert.Equal(idle, shard.LastSender);
        shard.Reply(passivate.StopMessage);
        Watch(idle);
        ExpectTerminated(idle, Deadline);
        // The suspended one keeps its state: no passivation for as long as the idle one needed and more.
        shard.ExpectNoMsg(TimeSpan.FromSeconds(2));
    }
}
