using ActorMta.Contracts;
using ActorMta.Queue.Partition;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>Accepts: what is written, what the intake hears (and only after the write), and the deadline on the partition's clock.</summary>
public sealed class AcceptDecisionTests
{
    [Fact]
    public void An_accept_is_written_answered_after_the_write_and_dispatched_in_the_same_turn()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(maxLifetime: TimeSpan.FromDays(2)));
        var message = harness.Envelope(Mail("alice@src.example", "bob@dest.example"));

        var decision = harness.Decide(harness.Batch(message));

        Assert.Equal(["MessageAccepted", "AttemptStarted"], Kinds(decision));
        var accepted = Assert.IsType<MessageAccepted>(decision.Events[0]);
        Assert.Equal((Start, Start + TimeSpan.FromDays(2)), (accepted.At, accepted.ExpiresAt));
        var reply = Assert.Single(decision.Replies);
        Assert.Equal(Intake, reply.To);
        Assert.Equal([message.QueueId], Assert.IsType<QueuePartition.BatchAccepted>(reply.Message).QueueIds);
        // Should the write fail, the same ids are refused instead.
        Assert.Equal([message.QueueId], Assert.Single(decision.RefusalsIfNotDurable).QueueIds);
        Assert.Equal(message.QueueId, Assert.Single(decision.Deliveries).QueueId);
    }

    [Fact]
    public void A_turn_s_commands_make_one_decision_whose_events_are_written_together()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (first, second) = (harness.Envelope(Mail("a@src.example", "b@dest.example")), harness.Envelope(Mail("a@src.example", "c@dest.example")));

        var decision = harness.Decide(harness.Batch(first), new PartitionCommand(harness.Batch(second), "another intake"));

        // Group commit: accepts first, then what they made due, in one write; each intake hears about its own.
        Assert.Equal(["MessageAccepted", "MessageAccepted", "AttemptStarted", "AttemptStarted"], Kinds(decision));
        Assert.Equal([Intake, "another intake"], decision.Replies.Select(r => r.To));
    }

    [Fact]
    public void An_accept_past_its_deadline_is_refused_and_not_written()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var late = harness.Envelope(Mail("a@src.example", "b@dest.example"), timeLeft: TimeSpan.FromSeconds(-1));
        var inTime = harness.Envelope(Mail("a@src.example", "c@dest.example"));

        var decision = harness.Decide(harness.Batch(late, inTime));

        Assert.Equal([inTime.QueueId], Assert.IsType<QueuePartition.BatchAccepted>(decision.Replies[0].Message).QueueIds);
        Assert.Equal([late.QueueId], Assert.IsType<QueuePartition.BatchNotAccepted>(decision.Replies[1].Message).QueueIds);
        Assert.DoesNotContain(decision.Events, e => e.QueueId == late.QueueId);
        Assert.Equal(new QueuePartition.MessageNotFound(late.QueueId), harness.Decider.Describe(late.QueueId));
    }

    [Fact]
    public void The_deadline_is_the_time_left_counted_from_receipt_on_the_partition_s_own_clock()
    {
        // The intake sends a duration, not a time of day: the two nodes' clocks may disagree.
        var harness = new DeciderHarness(QueueTestKit.Settings(paused: true));
        var message = harness.Envelope(Mail("a@src.example", "b@dest.example"), timeLeft: TimeSpan.FromSeconds(14));
        var batch = harness.Batch(message);

        harness.Advance(TimeSpan.FromSeconds(14));
        Assert.IsType<QueuePartition.BatchAccepted>(harness.Decide(batch).Replies.Single().Message);

        var second = harness.Envelope(Mail("a@src.example", "c@dest.example"), timeLeft: TimeSpan.FromSeconds(14));
        var secondBatch = harness.Batch(second);
        harness.Advance(TimeSpan.FromSeconds(14) + TimeSpan.FromTicks(1));
        Assert.IsType<QueuePartition.BatchNotAccepted>(harness.Decide(secondBatch).Replies.Single().Message);
    }

    [Fact]
    public void An_accept_sent_again_is_answered_but_written_once()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(paused: true));
        var message = harness.Envelope(Mail("a@src.example", "b@dest.example"));
        harness.Decide(harness.Batch(message));

        var again = harness.Decide(harness.Batch(message));

        Assert.Empty(again.Events);
        Assert.Equal([message.QueueId], Assert.IsType<QueuePartition.BatchAccepted>(again.Replies.Single().Message).QueueIds);
    }

    [Fact]
    public void Paused_delivery_dispatches_nothing_and_only_the_expiry_is_due()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(paused: true, maxLifetime: TimeSpan.FromDays(1)));
        var (queueId, decision) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));

        Assert.Empty(decision.Deliveries);
        Assert.Equal(RecipientStatus.Pending, harness.State.Messages[queueId].Recipients.Single().Status);
        Assert.Equal(Start + TimeSpan.FromDays(1), harness.Decider.NextDue());
    }

    [Fact]
    public void Counts_group_recipients_by_status_and_domain()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(paused: true));
        harness.Accept(Mail("alice@src.example", "a@dest.example", "b@dest.example"));
        harness.Accept(Mail("alice@src.example", "c@other.example"));

        var counts = harness.Decider.Count();

        Assert.Equal((2, 3), (counts.Messages, counts.Recipients["pending"]));
        Assert.Equal(2, counts.ByDomain["dest.example"]["pending"]);
        Assert.Equal(1, counts.ByDomain["other.example"]["pending"]);
    }
}
