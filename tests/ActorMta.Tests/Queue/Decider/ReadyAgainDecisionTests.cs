using ActorMta.Contracts;
using ActorMta.Queue.Partition;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>RecipientsDue: a domain ready again, or an operator's "try now", makes waiting recipients due at once, and the journal keeps it.</summary>
public sealed class ReadyAgainDecisionTests
{
    [Fact]
    public void A_domain_ready_again_gets_its_deferred_mail_at_once_and_other_domains_keep_waiting()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(retryInitial: TimeSpan.FromHours(1)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@other.example"));
        harness.Decide([.. accepted.Deliveries.Select(r => (object)Deferred(r))]);

        var decision = harness.Decide(new DomainReady(0, "dest.example"));

        Assert.Equal(["RecipientsDue", "AttemptStarted"], Kinds(decision));
        Assert.Equal((queueId, "dest.example"), (((RecipientsDue)decision.Events[0]).QueueId, ((RecipientsDue)decision.Events[0]).Domain));
        var again = Assert.Single(decision.Deliveries);
        Assert.Equal(("dest.example", 2), (again.Domain, again.Recipients.Single().Attempt));
    }

    [Fact]
    public void A_domain_ready_again_is_recorded_for_mail_that_waits_for_a_slot()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(retryInitial: TimeSpan.FromHours(1), maxInFlightPerDomain: 1));
        var (first, one) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        harness.Decide(Deferred(one.Deliveries.Single()));
        var (second, two) = harness.Accept(Mail("alice@src.example", "carol@dest.example"));
        harness.Decide(Deferred(two.Deliveries.Single()));

        var decision = harness.Decide(new DomainReady(0, "dest.example"));

        // Both are recorded as due (so a restart keeps it), one goes out: the domain has one slot.
        Assert.Equal(new[] { first, second }.Order(), decision.Events.OfType<RecipientsDue>().Select(e => e.QueueId).Order());
        var sent = Assert.Single(decision.Deliveries);
        var waiting = sent.QueueId == first ? second : first;
        Assert.Equal(harness.Now, harness.State.Messages[waiting].Recipients.Single().DueAt);

        var freed = harness.Decide(Report(sent, DeliveryOutcome.Delivered));
        Assert.Equal((waiting, 2), (Assert.Single(freed.Deliveries).QueueId, freed.Deliveries.Single().Recipients.Single().Attempt));
    }

    [Fact]
    public void An_operator_s_retry_now_makes_each_waiting_domain_due_and_answers_with_the_message()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(retryInitial: TimeSpan.FromHours(1)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@dest.example", "dave@other.example"));
        harness.Decide([.. accepted.Deliveries.Select(r => (object)Deferred(r))]);

        var decision = harness.Decide(new PartitionCommand(new QueuePartition.RetryNow(0, queueId), Operator));

        Assert.Equal(["dest.example", "other.example"], decision.Events.OfType<RecipientsDue>().Select(e => e.Domain).Order());
        Assert.Equal(2, decision.Deliveries.Count);
        var reply = Assert.Single(decision.Replies);
        Assert.Equal(Operator, reply.To);
        Assert.Equal(queueId, Assert.IsType<QueuePartition.MessageDetails>(reply.Message).QueueId);
    }

    [Fact]
    public void Retry_now_for_an_unknown_message_writes_nothing_and_says_so()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());

        var decision = harness.Decide(new PartitionCommand(new QueuePartition.RetryNow(0, "nope"), Operator));

        Assert.Empty(decision.Events);
        Assert.IsType<QueuePartition.MessageNotFound>(decision.Replies.Single().Message);
    }
}
