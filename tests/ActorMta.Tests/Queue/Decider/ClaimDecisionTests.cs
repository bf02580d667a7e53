using ActorMta.Contracts;
using ActorMta.Queue.Partition;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>
/// In-flight work follows the delivery actor: unclaimed or lost dispatches go out again (same dispatch,
/// same attempt) within seconds; returned work is not an attempt; a dispatch without a report within the
/// lease is a new attempt, and a report that comes after that is ignored.
/// </summary>
public sealed class ClaimDecisionTests
{
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_request_nobody_claims_is_sent_again_after_the_claim_timeout_and_a_claimed_one_is_not()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, unclaimed) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var (_, claimed) = harness.Accept(Mail("alice@src.example", "carol@other.example"));
        Assert.True(harness.Decider.Claimed([claimed.Deliveries.Single().DispatchId], "holder"));

        Assert.Empty(harness.Decider.ResendDue(harness.Now + ClaimTimeout - TimeSpan.FromTicks(1)));
        var again = Assert.Single(harness.Decider.ResendDue(harness.Now + ClaimTimeout));

        var first = unclaimed.Deliveries.Single();
        Assert.Equal((first.DispatchId, first.Recipients.Single().Attempt, true), (again.DispatchId, again.Recipients.Single().Attempt, again.Redispatch));
    }

    [Fact]
    public void A_lost_holder_s_dispatches_go_out_again_a_second_later_with_the_same_attempt()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var first = accepted.Deliveries.Single();
        Assert.True(harness.Decider.Claimed([first.DispatchId], "holder"));

        harness.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, harness.Decider.HolderLost("someone else", harness.Now));
        Assert.Equal(1, harness.Decider.HolderLost("holder", harness.Now));

        Assert.Empty(harness.Decider.ResendDue(harness.Now));
        var again = Assert.Single(harness.Decider.ResendDue(harness.Now + TimeSpan.FromSeconds(1)));
        Assert.Equal((first.DispatchId, 1, true), (again.DispatchId, again.Recipients.Single().Attempt, again.Redispatch));
    }

    [Fact]
    public void Returned_work_is_not_an_attempt_and_goes_out_again_without_the_retry_delay()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(retryInitial: TimeSpan.FromHours(1)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var first = accepted.Deliveries.Single();
        harness.Decider.Claimed([first.DispatchId], "holder");

        var returned = harness.Decide(Report(first, DeliveryOutcome.Returned, 451, "4.4.5", "moving"));

        Assert.Empty(returned.Events);
        var again = Assert.Single(harness.Decider.ResendDue(harness.Now + TimeSpan.FromSeconds(1)));
        Assert.Equal((first.DispatchId, 1), (again.DispatchId, again.Recipients.Single().Attempt));
        var recipient = harness.State.Messages[queueId].Recipients.Single();
        Assert.Equal((RecipientStatus.InFlight, 1), (recipient.Status, recipient.Attempts));
    }

    [Fact]
    public void After_recovery_every_dispatch_in_flight_is_sent_again_at_once()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        harness.Decider.Claimed([accepted.Deliveries.Single().DispatchId], "holder");
        // The same state as a restart recovers it, under a new decider.
        var recovered = new PartitionDecider(0, harness.Settings, harness.State, new FixedRandom(0.5));

        Assert.Equal(1, recovered.Recovered());

        var again = Assert.Single(recovered.ResendDue(harness.Now));
        Assert.Equal((accepted.Deliveries.Single().DispatchId, true), (again.DispatchId, again.Redispatch));
    }

    [Fact]
    public void Paused_delivery_sends_nothing_again()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var paused = new PartitionDecider(0, harness.Settings with { DeliveryPaused = true }, harness.State, new FixedRandom(0.5));
        paused.Recovered();

        Assert.Empty(paused.ResendDue(harness.Now + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Without_a_report_within_the_lease_the_recipient_is_tried_again_and_a_late_report_is_ignored()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(lease: TimeSpan.FromMinutes(10)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var lost = accepted.Deliveries.Single();
        Assert.Equal(Start + TimeSpan.FromMinutes(10), harness.Decider.NextDue());

        harness.Advance(TimeSpan.FromMinutes(10));
        var expiry = harness.Tick();

        Assert.Equal(1, expiry.LeasesExpired);
        Assert.Equal(["RecipientDeferred", "AttemptStarted"], Kinds(expiry));
        Assert.Equal("451 4.4.7 no delivery report within the lease; trying again", ((RecipientDeferred)expiry.Events[0]).Reply.ToString());
        var retry = Assert.Single(expiry.Deliveries);
        Assert.Equal((2, false), (retry.Recipients.Single().Attempt, retry.Redispatch));
        // The old dispatch is not sent again either.
        Assert.DoesNotContain(harness.Decider.ResendDue(harness.Now + TimeSpan.FromMinutes(1)), r => r.DispatchId == lost.DispatchId);

        var late = harness.Decide(Failed(lost));

        Assert.Empty(late.Events);
        Assert.Empty(late.Dsns);
        Assert.Equal(RecipientStatus.InFlight, harness.State.Messages[queueId].Recipients.Single().Status);
        Assert.Equal(1, harness.Decide(Report(lost, DeliveryOutcome.Delivered)).LateReports);
    }
}
