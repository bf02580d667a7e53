using ActorMta.Contracts;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>DSNs owed (RFC 3461 NOTIFY): failure, delay, success; asked for once, again if unanswered; the message completes once they are queued.</summary>
public sealed class DsnDecisionTests
{
    private static SmtpEnvelope WithNotify(string sender, params (string Address, DsnNotify Notify)[] recipients) =>
        Mail(sender, [.. recipients.Select(r => r.Address)]) with { Recipients = [.. recipients.Select(r => new EnvelopeRecipient(r.Address, r.Notify))] };

    [Fact]
    public void A_permanent_failure_asks_for_one_failure_DSN_and_the_message_completes_once_it_is_queued()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@dest.example"));
        var request = accepted.Deliveries.Single();

        var decision = harness.Decide(new DeliveryReport(0, queueId, request.DispatchId,
        [
            new RecipientResult(0, DeliveryOutcome.Failed, new RemoteReply(550, "5.1.1", "no such user"), "mx.dest.example"),
            new RecipientResult(1, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok"), "mx.dest.example"),
        ]));

        Assert.Equal(["RecipientFailed", "RecipientDelivered"], Kinds(decision));
        var dsn = Assert.Single(decision.Dsns);
        Assert.Equal((queueId, DsnKind.Failure), (dsn.QueueId, dsn.Kind));
        var failed = Assert.Single(dsn.Recipients);
        Assert.Equal(("bob@dest.example", "550 5.1.1 no such user", "mx.dest.example", Start), (failed.Recipient.Address, failed.LastReply!.ToString(), failed.RemoteHost, failed.At));
        Assert.Empty(decision.CompletedMessages);
        // Asked for once: a turn meanwhile does not ask again.
        Assert.Empty(harness.Tick().Dsns);

        var queued = harness.Decide(new DsnEnqueued(0, queueId, DsnKind.Failure, [0], "DSNQUEUEID0000000000"));

        Assert.Equal(["DsnQueued+Completed"], Kinds(queued));
        Assert.Equal([queueId], queued.CompletedMessages);
    }

    [Fact]
    public void Failures_of_one_attempt_round_go_out_together_once_nothing_is_in_flight()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@other.example"));

        Assert.Empty(harness.Decide(Failed(accepted.Deliveries[0])).Dsns);
        var last = harness.Decide(Failed(accepted.Deliveries[1]));

        Assert.Equal([0, 1], Assert.Single(last.Dsns).Recipients.Select(r => r.Index));
    }

    [Fact]
    public void A_null_sender_never_gets_a_DSN()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("", "bob@dest.example"));

        var decision = harness.Decide(Failed(accepted.Deliveries.Single()));

        Assert.Empty(decision.Dsns);
        Assert.Equal(["RecipientFailed+Completed"], Kinds(decision));
        Assert.Equal([queueId], decision.CompletedMessages);
    }

    [Fact]
    public void NOTIFY_NEVER_means_no_DSN_and_NOTIFY_SUCCESS_gets_a_success_DSN()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(WithNotify("alice@src.example", ("never@dest.example", DsnNotify.Never), ("success@dest.example", DsnNotify.Success)));

        var decision = harness.Decide(new DeliveryReport(0, queueId, accepted.Deliveries.Single().DispatchId,
        [
            new RecipientResult(0, DeliveryOutcome.Failed, new RemoteReply(550, "5.1.1", "no such user")),
            new RecipientResult(1, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok")),
        ]));

        var dsn = Assert.Single(decision.Dsns);
        Assert.Equal((DsnKind.Success, "success@dest.example"), (dsn.Kind, Assert.Single(dsn.Recipients).Recipient.Address));
        Assert.Equal(["DsnQueued+Completed"], Kinds(harness.Decide(new DsnEnqueued(0, queueId, DsnKind.Success, [1], "DSN1"))));
    }

    [Fact]
    public void NOTIFY_DELAY_gets_one_delay_DSN_once_the_delay_has_passed_and_the_message_stays_queued()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(delayDsnAfter: TimeSpan.FromHours(4), retryInitial: TimeSpan.FromHours(6)));
        var (queueId, accepted) = harness.Accept(WithNotify("alice@src.example", ("slow@dest.example", DsnNotify.Delay | DsnNotify.Failure)));
        harness.Decide(Deferred(accepted.Deliveries.Single()));
        Assert.Equal(Start + TimeSpan.FromHours(4), harness.Decider.NextDue());

        harness.AdvanceTo(Start + TimeSpan.FromHours(4));
        var decision = harness.Tick();

        var dsn = Assert.Single(decision.Dsns);
        Assert.Equal((DsnKind.Delay, RecipientStatus.Deferred), (dsn.Kind, Assert.Single(dsn.Recipients).Status));
        Assert.Empty(decision.Events);
        // Not due again while the bounce stage builds it (that was a busy loop): only if no answer comes in time.
        Assert.Equal(harness.Now + TimeSpan.FromMinutes(10), harness.Decider.NextDue());

        var queued = harness.Decide(new DsnEnqueued(0, queueId, DsnKind.Delay, [0], "DSN2"));
        Assert.Equal(["DsnQueued"], Kinds(queued));
        // Once per recipient: next due is the retry, with no second delay DSN.
        Assert.Equal(Start + TimeSpan.FromHours(6), harness.Decider.NextDue());
        harness.AdvanceTo(Start + TimeSpan.FromHours(6));
        var retry = harness.Tick();
        Assert.Empty(retry.Dsns);
        Assert.Single(retry.Deliveries);
    }

    [Fact]
    public void A_DSN_the_bounce_stage_could_not_queue_is_asked_for_again_a_minute_later()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        harness.Decide(Failed(accepted.Deliveries.Single()));

        harness.Decide(new DsnNotEnqueued(0, queueId, DsnKind.Failure, "body store unavailable"));
        Assert.Equal(Start + TimeSpan.FromMinutes(1), harness.Decider.NextDue());
        harness.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(DsnKind.Failure, Assert.Single(harness.Tick().Dsns).Kind);
    }

    [Fact]
    public void A_DSN_request_never_answered_is_asked_for_again_after_ten_minutes()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        harness.Decide(Failed(accepted.Deliveries.Single()));

        harness.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Empty(harness.Tick().Dsns);
        harness.Advance(TimeSpan.FromTicks(1));
        Assert.Single(harness.Tick().Dsns);
    }
}
