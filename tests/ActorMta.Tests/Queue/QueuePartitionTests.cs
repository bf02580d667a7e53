using ActorMta.Bounces;
using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.TestKit;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>The partition's event handling against the real SQLite journal; delivery and bounces are probes.</summary>
public sealed class QueuePartitionTests : QueueTestKit
{
    private readonly TestProbe _delivery;
    private readonly TestProbe _bounces;
    private readonly TestProbe _intake;

    public QueuePartitionTests()
    {
        _delivery = CreateTestProbe("delivery");
        // The probe claims every request as a domain's delivery actor does, so nothing is sent twice.
        _delivery.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is DeliveryRequest request) sender.Tell(new DeliveryClaimed(request.Partition, [request.DispatchId]), _delivery.Ref);
            return AutoPilot.KeepRunning;
        }));
        _bounces = CreateTestProbe("bounces");
        _intake = CreateTestProbe("intake");
    }

    private IActorRef StartPartition(QueueSettings settings, int partition = 0) =>
        Sys.ActorOf(QueuePartition.Props(partition, settings, _delivery.Ref, _bounces.Ref, Bodies, TimeProvider.System));

    private string Accept(IActorRef partition, SmtpEnvelope envelope, int partitionNumber = 0)
    {
        var queueId = QueueId.New(partitionNumber, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(partitionNumber, [new QueuePartition.AcceptedEnvelope(queueId, envelope, 1000, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        Assert.Equal([queueId], _intake.ExpectMsg<QueuePartition.BatchAccepted>().QueueIds);
        return queueId;
    }

    private QueuePartition.MessageDetails Details(IActorRef partition, string queueId)
    {
        partition.Tell(new QueuePartition.GetMessage(0, queueId), TestActor);
        return ExpectMsg<QueuePartition.MessageDetails>();
    }

    private static DeliveryReport Report(DeliveryRequest request, DeliveryOutcome outcome, int code, string enhanced, string text, DateTimeOffset? notBefore = null) =>
        new(request.Partition, request.QueueId, request.DispatchId,
            request.Recipients.Select(r => new RecipientResult(r.Index, outcome, new RemoteReply(code, enhanced, text), "mx.dest.example", "127.0.0.1", false, notBefore)).ToArray());

    [Fact]
    public void An_accepted_message_is_dispatched_once_durable_and_completes_when_delivered()
    {
        var partition = StartPartition(Settings());
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example", "carol@dest.example", "dave@other.example"));

        var requests = new[] { _delivery.ExpectMsg<DeliveryRequest>(), _delivery.ExpectMsg<DeliveryRequest>() }.OrderBy(r => r.Domain).ToArray();
        Assert.Equal(["dest.example", "other.example"], requests.Select(r => r.Domain));
        Assert.Equal([0, 1], requests[0].Recipients.Select(r => r.Index));
        Assert.All(requests.SelectMany(r => r.Recipients), r => Assert.Equal(1, r.Attempt));
        Assert.Equal("alice@src.example", requests[0].ReversePath);

        foreach (var request in requests) partition.Tell(Report(request, DeliveryOutcome.Delivered, 250, "2.0.0", "ok"));

        AwaitAssert(() => Assert.Equal("completed", Details(partition, queueId).State));
        var history = Details(partition, queueId).History.Select(h => h.Event).ToArray();
        Assert.Equal(["accepted", "attempt", "attempt", "delivered", "delivered", "delivered", "completed"], history);
        _bounces.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_envelopes_RET_and_ENVID_go_to_delivery_with_the_request()
    {
        var partition = StartPartition(Settings());
        Accept(partition, Envelope("alice@src.example", "bob@dest.example") with { Ret = DsnReturn.Headers, EnvelopeId = "ENV-7" });

        var request = _delivery.ExpectMsg<DeliveryRequest>();
        Assert.Equal((DsnReturn.Headers, "ENV-7"), (request.Ret, request.EnvelopeId));
    }

    [Fact]
    public void A_deferred_recipient_is_tried_again_after_the_retry_delay_with_its_attempt_count()
    {
        var partition = StartPartition(Settings(retryInitial: TimeSpan.FromMilliseconds(300)));
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example"));

        var first = _delivery.ExpectMsg<DeliveryRequest>();
        var deferredAt = DateTimeOffset.UtcNow;
        partition.Tell(Report(first, DeliveryOutcome.Deferred, 451, "4.3.0", "try later"));

        var second = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.UtcNow - deferredAt >= TimeSpan.FromMilliseconds(250), "retried before the retry delay");
        Assert.Equal(2, second.Recipients.Single().Attempt);
        Assert.NotEqual(first.DispatchId, second.DispatchId);

        var details = Details(partition, queueId);
        Assert.Equal("in-flight", details.Recipients.Single().Status);
        Assert.Equal(2, details.Recipients.Single().Attempts);
        Assert.Equal("451 4.3.0 try later", details.Recipients.Single().LastReply);
    }

    [Fact]
    public void A_domain_that_asks_for_a_later_retry_is_not_tried_before_then()
    {
        var partition = StartPartition(Settings(retryInitial: TimeSpan.FromMilliseconds(50)));
        Accept(partition, Envelope("alice@src.example", "bob@dest.example"));
        var first = _delivery.ExpectMsg<DeliveryRequest>();
        var notBefore = DateTimeOffset.UtcNow.AddMilliseconds(800);
        partition.Tell(Report(first, DeliveryOutcome.Deferred, 421, "4.7.0", "suspended", notBefore));

        _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.UtcNow >= notBefore.AddMilliseconds(-20), "retried while the domain asked to wait");
    }

    [Fact]
    public void A_permanent_failure_asks_for_one_failure_DSN_and_completes_once_it_is_queued()
    {
        var partition = StartPartition(Settings());
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example", "carol@dest.example"));
        var request = _delivery.ExpectMsg<DeliveryRequest>();
        partition.Tell(new DeliveryReport(0, queueId, request.DispatchId,
        [
            new RecipientResult(0, DeliveryOutcome.Failed, new RemoteReply(550, "5.1.1", "no such user"), "mx.dest.example"),
            new RecipientResult(1, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok"), "mx.dest.example"),
        ]));

        var dsn = _bounces.ExpectMsg<DsnRequest>();
        Assert.Equal(DsnKind.Failure, dsn.Kind);
        var failed = Assert.Single(dsn.Recipients);
        Assert.Equal("bob@dest.example", failed.Recipient.Address);
        Assert.Equal("550 5.1.1 no such user", failed.LastReply!.ToString());
        Assert.Equal("queued", Details(partition, queueId).State);

        partition.Tell(new DsnEnqueued(0, queueId, DsnKind.Failure, [0], "DSNQUEUEID0000000000"));
        AwaitAssert(() => Assert.Equal("completed", Details(partition, queueId).State));
        _bounces.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_null_sender_never_gets_a_DSN()
    {
        var partition = StartPartition(Settings());
        var queueId = Accept(partition, Envelope("", "bob@dest.example"));
        var request = _delivery.ExpectMsg<DeliveryRequest>();
        partition.Tell(Report(request, DeliveryOutcome.Failed, 550, "5.1.1", "no such user"));

        AwaitAssert(() => Assert.Equal("completed", Details(partition, queueId).State));
        _bounces.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void NOTIFY_NEVER_means_no_DSN_and_NOTIFY_SUCCESS_gets_a_success_DSN()
    {
        var partition = StartPartition(Settings());
        var envelope = Envelope("alice@src.example", "never@dest.example", "success@dest.example") with
        {
            Recipients = [new EnvelopeRecipient("never@dest.example", DsnNotify.Never), new EnvelopeRecipient("success@dest.example", DsnNotify.Success)],
        };
        var queueId = Accept(partition, envelope);
        var request = _delivery.ExpectMsg<DeliveryRequest>();
        partition.Tell(new DeliveryReport(0, queueId, request.DispatchId,
        [
            new RecipientResult(0, DeliveryOutcome.Failed, new RemoteReply(550, "5.1.1", "no such user")),
            new RecipientResult(1, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok")),
        ]));

        var dsn = _bounces.ExpectMsg<DsnRequest>();
        Assert.Equal(DsnKind.Success, dsn.Kind);
        Assert.Equal("success@dest.example", Assert.Single(dsn.Recipients).Recipient.Address);
        _bounces.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Past_the_maximum_lifetime_waiting_recipients_expire_and_the_sender_is_told()
    {
        var partition = StartPartition(Settings(maxLifetime: TimeSpan.FromSeconds(1), retryInitial: TimeSpan.FromMinutes(10)));
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example"));
        var request = _delivery.ExpectMsg<DeliveryRequest>();
        partition.Tell(Report(request, DeliveryOutcome.Deferred, 451, "4.4.1", "connection refused"));

        var dsn = _bounces.ExpectMsg<DsnRequest>(TimeSpan.FromSeconds(5));
        Assert.Equal(DsnKind.Failure, dsn.Kind);
        var expired = Assert.Single(dsn.Recipients);
        Assert.Equal(RecipientStatus.Expired, expired.Status);
        Assert.Equal("451 4.4.1 connection refused", expired.LastReply!.ToString());
        Assert.Equal("expired", Details(partition, queueId).Recipients.Single().Status);
    }

    [Fact]
    public void Expiry_applies_while_a_recipient_waits_for_a_domain_slot()
    {
        var partition = StartPartition(Settings(maxLifetime: TimeSpan.FromSeconds(1), maxInFlightPerDomain: 1));
        Accept(partition, Envelope("alice@src.example", "first@dest.example"));
        var waiting = Accept(partition, Envelope("alice@src.example", "second@dest.example"));
        _delivery.ExpectMsg<DeliveryRequest>();
        _delivery.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var dsn = _bounces.ExpectMsg<DsnRequest>(TimeSpan.FromSeconds(5));
        Assert.Equal(waiting, dsn.QueueId);
        Assert.Equal(RecipientStatus.Expired, dsn.Recipients.Single().Status);
    }

    [Fact]
    public void No_more_than_the_domain_limit_is_in_flight_and_a_freed_slot_goes_to_the_next_message()
    {
        var partition = StartPartition(Settings(maxInFlightPerDomain: 2));
        var ids = Enumerable.Range(0, 5).Select(i => Accept(partition, Envelope("alice@src.example", $"r{i}@dest.example"))).ToArray();

        var first = _delivery.ExpectMsg<DeliveryRequest>();
        var second = _delivery.ExpectMsg<DeliveryRequest>();
        _delivery.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(ids[..2], new[] { first.QueueId, second.QueueId });

        partition.Tell(Report(first, DeliveryOutcome.Delivered, 250, "2.0.0", "ok"));
        Assert.Equal(ids[2], _delivery.ExpectMsg<DeliveryRequest>().QueueId);
        _delivery.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_dispatch_without_a_report_within_the_lease_is_tried_again_and_a_late_report_is_ignored()
    {
        var partition = StartPartition(Settings(lease: TimeSpan.FromMilliseconds(500)));
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example"));
        var lost = _delivery.ExpectMsg<DeliveryRequest>();

        var retry = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, retry.Recipients.Single().Attempt);

        partition.Tell(Report(lost, DeliveryOutcome.Failed, 550, "5.1.1", "stale report"));
        _bounces.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal("in-flight", Details(partition, queueId).Recipients.Single().Status);
    }

    [Fact]
    public void Paused_delivery_dispatches_nothing()
    {
        var partition = StartPartition(Settings(paused: true));
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example"));
        _delivery.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal("pending", Details(partition, queueId).Recipients.Single().Status);
    }

    [Fact]
    public void An_accept_past_its_deadline_is_refused_not_queued()
    {
        var partition = StartPartition(Settings());
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("a@src.example", "b@dest.example"), 10, TimeSpan.FromSeconds(-1))]).Received(DateTimeOffset.UtcNow), _intake.Ref);

        Assert.Equal([queueId], _intake.ExpectMsg<QueuePartition.BatchNotAccepted>().QueueIds);
        partition.Tell(new QueuePartition.GetMessage(0, queueId), TestActor);
        ExpectMsg<QueuePartition.MessageNotFound>();
    }

    [Fact]
    public void Counts_group_recipients_by_status_and_domain()
    {
        var partition = StartPartition(Settings(paused: true));
        Accept(partition, Envelope("alice@src.example", "a@dest.example", "b@dest.example"));
        Accept(partition, Envelope("alice@src.example", "c@other.example"));

        partition.Tell(new QueuePartition.GetCounts(0), TestActor);
        var counts = ExpectMsg<QueuePartition.PartitionCounts>();
        Assert.Equal(2, counts.Messages);
        Assert.Equal(3, counts.Recipients["pending"]);
        Assert.Equal(2, counts.ByDomain["dest.example"]["pending"]);
        Assert.Equal(1, counts.ByDomain["other.example"]["pending"]);
    }

    [Fact]
    public async Task A_completed_message_s_body_is_deleted()
    {
        var partition = StartPartition(Settings());
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        await Bodies.StoreAsync([new StoredBody(queueId, 0, "Subject: x\r\n\r\nhello\r\n"u8.ToArray())], DateTimeOffset.UtcNow, CancellationToken.None);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("a@src.example", "b@dest.example"), 10, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        _intake.ExpectMsg<QueuePartition.BatchAccepted>();
        Assert.NotNull(await Bodies.ReadAsync(queueId, CancellationToken.None));

        partition.Tell(Report(_delivery.ExpectMsg<DeliveryRequest>(), DeliveryOutcome.Delivered, 250, "2.0.0", "ok"));

        await AwaitAssertAsync(async () => Assert.Null(await Bodies.ReadAsync(queueId, CancellationToken.None)));
    }
}
