using ActorMta.Contracts;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>Dispatch: one request per message and domain, within each domain's in-flight limit; delivered mail completes.</summary>
public sealed class DispatchDecisionTests
{
    [Fact]
    public void Due_recipients_go_out_as_one_request_per_domain_with_the_envelope_s_parameters()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var envelope = Mail("alice@src.example", "bob@dest.example", "dave@other.example", "carol@dest.example") with
        {
            Ret = DsnReturn.Headers,
            EnvelopeId = "ENV-7",
        };

        var (queueId, decision) = harness.Accept(envelope);

        var requests = decision.Deliveries.OrderBy(r => r.Domain).ToArray();
        Assert.Equal(["dest.example", "other.example"], requests.Select(r => r.Domain));
        Assert.Equal([0, 2], requests[0].Recipients.Select(r => r.Index));
        Assert.Equal([1], requests[1].Recipients.Select(r => r.Index));
        Assert.All(requests.SelectMany(r => r.Recipients), r => Assert.Equal(1, r.Attempt));
        Assert.All(requests, r => Assert.Equal(("alice@src.example", DsnReturn.Headers, "ENV-7", false), (r.ReversePath, r.Ret, r.EnvelopeId, r.Redispatch)));
        Assert.NotEqual(requests[0].DispatchId, requests[1].DispatchId);
        var attempts = decision.Events.OfType<AttemptStarted>().ToArray();
        Assert.Equal(requests.Select(r => r.DispatchId).Order(), attempts.Select(a => a.DispatchId).Order());
        Assert.All(attempts, a => Assert.Equal((queueId, Start), (a.QueueId, a.At)));
    }

    [Fact]
    public void Delivered_recipients_complete_the_message_and_its_body_can_go()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@other.example"));
        harness.Advance(TimeSpan.FromSeconds(3));

        var first = harness.Decide(Report(accepted.Deliveries[0], DeliveryOutcome.Delivered));
        Assert.Equal(["RecipientDelivered"], Kinds(first));
        Assert.Empty(first.CompletedMessages);

        var last = harness.Decide(Report(accepted.Deliveries[1], DeliveryOutcome.Delivered));

        Assert.Equal(["RecipientDelivered+Completed"], Kinds(last));
        Assert.Equal([queueId], last.CompletedMessages);
        Assert.Equal([TimeSpan.FromSeconds(3)], last.DeliveredAfter);
        Assert.Empty(last.Dsns);
        Assert.False(harness.State.Messages.ContainsKey(queueId));
        var details = Assert.IsType<QueuePartition.MessageDetails>(harness.Decider.Describe(queueId));
        Assert.Equal("completed", details.State);
        Assert.Equal(["accepted", "attempt", "attempt", "delivered", "delivered", "completed"], details.History.Select(h => h.Event));
    }

    [Fact]
    public void Reports_for_several_messages_in_one_turn_each_fold_the_completion_into_the_message_s_last_event()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (first, firstAccepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var (second, secondAccepted) = harness.Accept(Mail("alice@src.example", "carol@dest.example"));

        // One turn, the two reports interleaved with nothing else: each message's delivery is its last event of the turn.
        var turn = harness.Decide(Report(firstAccepted.Deliveries[0], DeliveryOutcome.Delivered), Report(secondAccepted.Deliveries[0], DeliveryOutcome.Delivered));

        Assert.Equal(["RecipientDelivered+Completed", "RecipientDelivered+Completed"], Kinds(turn));
        Assert.Equal([first, second], turn.Events.Select(e => e.QueueId));
        Assert.Equal([first, second], turn.CompletedMessages);
        Assert.Empty(harness.State.Messages);
    }

    [Fact]
    public void A_message_found_final_at_recovery_without_its_completion_gets_a_MessageCompleted()
    {
        // A journal written before completions were folded can end a message's events with its last delivery.
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var envelope = Mail("alice@src.example", "bob@dest.example");
        harness.Recover(
            new MessageAccepted("Q-OLD", envelope, 10, Start, Start.AddDays(5)),
            new AttemptStarted("Q-OLD", 1, [0], Start),
            new RecipientDelivered("Q-OLD", 0, new RemoteReply(250, "2.0.0", "ok"), "mx", Start));

        var turn = harness.Tick();

        Assert.Equal(["MessageCompleted"], Kinds(turn));
        Assert.Equal(["Q-OLD"], turn.CompletedMessages);
        Assert.Empty(harness.State.Messages);
    }

    [Fact]
    public void No_more_than_the_domain_limit_is_in_flight_and_a_freed_slot_goes_to_the_longest_waiting_message()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(maxInFlightPerDomain: 2));
        var messages = Enumerable.Range(0, 5).Select(i => harness.Envelope(Mail("alice@src.example", $"r{i}@dest.example"))).ToArray();

        var decision = harness.Decide(harness.Batch(messages));

        Assert.Equal(messages[..2].Select(m => m.QueueId), decision.Deliveries.Select(r => r.QueueId));
        // Waiting for a slot wakes nothing on a timer (a freed slot does): next due are the leases of those out.
        Assert.Equal(Start + harness.Settings.DeliveryLease, harness.Decider.NextDue());

        var freed = harness.Decide(Report(decision.Deliveries[0], DeliveryOutcome.Delivered));

        Assert.Equal(messages[2].QueueId, Assert.Single(freed.Deliveries).QueueId);
    }

    [Fact]
    public void A_domain_s_limit_does_not_hold_back_another_domain()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(maxInFlightPerDomain: 1));
        harness.Accept(Mail("alice@src.example", "a@dest.example"));

        var (_, decision) = harness.Accept(Mail("alice@src.example", "b@dest.example", "c@other.example"));

        Assert.Equal("other.example", Assert.Single(decision.Deliveries).Domain);
    }

    [Fact]
    public void Past_the_lifetime_waiting_recipients_expire_even_while_waiting_for_a_slot()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(maxLifetime: TimeSpan.FromHours(1), maxInFlightPerDomain: 1));
        harness.Accept(Mail("alice@src.example", "first@dest.example"));
        var (waiting, _) = harness.Accept(Mail("alice@src.example", "second@dest.example"));

        harness.AdvanceTo(Start + TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.DoesNotContain(harness.Tick().Events, e => e is RecipientExpired);
        harness.AdvanceTo(Start + TimeSpan.FromHours(1));
        var decision = harness.Tick();

        Assert.Contains(decision.Events, e => e is RecipientExpired { Recipient: 0 } expired && expired.QueueId == waiting);
        var dsn = decision.Dsns.Single(d => d.QueueId == waiting);
        Assert.Equal((DsnKind.Failure, RecipientStatus.Expired), (dsn.Kind, dsn.Recipients.Single().Status));
        Assert.Empty(decision.Deliveries);
    }
}
