using ActorMta.Contracts;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>Deferrals: the retry schedule (backoff, jitter from the injected random), the domain's "not before", the lifetime; and reports that come late.</summary>
public sealed class ReportDecisionTests
{
    private static readonly QueueSettings Jittered = QueueTestKit.Settings() with
    {
        Retry = new RetrySchedule(TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), 2, 0.2),
    };

    [Theory]
    [InlineData(0.0, 240)] // the random source's lowest draw: 5 minutes less 20%
    [InlineData(0.5, 300)]
    [InlineData(1.0, 360)] // its highest: 5 minutes plus 20%
    public void A_deferred_recipient_is_due_after_the_first_retry_delay_spread_by_the_injected_random(double draw, int seconds)
    {
        var harness = new DeciderHarness(Jittered, new FixedRandom(draw));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));

        var decision = harness.Decide(Deferred(accepted.Deliveries.Single()));

        var deferred = Assert.IsType<RecipientDeferred>(Assert.Single(decision.Events));
        Assert.Equal(Start + TimeSpan.FromSeconds(seconds), deferred.RetryAt);
        Assert.Equal("451 4.3.0 try later", deferred.Reply.ToString());
        Assert.Equal(deferred.RetryAt, harness.Decider.NextDue());
        Assert.Equal(RecipientStatus.Deferred, harness.State.Messages[queueId].Recipients.Single().Status);
    }

    [Fact]
    public void Retries_back_off_and_go_out_when_due_with_the_attempt_count()
    {
        var harness = new DeciderHarness(Jittered, new FixedRandom(0.5));
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var first = accepted.Deliveries.Single();
        harness.Decide(Deferred(first));

        harness.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Empty(harness.Tick().Deliveries);
        harness.Advance(TimeSpan.FromTicks(1));
        var second = Assert.Single(harness.Tick().Deliveries);
        Assert.Equal(2, second.Recipients.Single().Attempt);
        Assert.NotEqual(first.DispatchId, second.DispatchId);

        var again = harness.Decide(Deferred(second));

        Assert.Equal(harness.Now + TimeSpan.FromMinutes(10), Assert.IsType<RecipientDeferred>(Assert.Single(again.Events)).RetryAt);
    }

    [Fact]
    public void A_domain_that_asks_for_a_later_retry_is_not_tried_before_then()
    {
        var harness = new DeciderHarness(Jittered);
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var notBefore = Start + TimeSpan.FromMinutes(30);

        var decision = harness.Decide(Deferred(accepted.Deliveries.Single(), notBefore));

        Assert.Equal(notBefore, Assert.IsType<RecipientDeferred>(Assert.Single(decision.Events)).RetryAt);
        harness.AdvanceTo(notBefore - TimeSpan.FromTicks(1));
        Assert.Empty(harness.Tick().Deliveries);
        harness.AdvanceTo(notBefore);
        Assert.Single(harness.Tick().Deliveries);
    }

    [Fact]
    public void A_retry_is_never_later_than_the_expiry_and_the_recipient_expires_then_with_its_last_reply()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(maxLifetime: TimeSpan.FromMinutes(2), retryInitial: TimeSpan.FromMinutes(10)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));

        var deferred = harness.Decide(Report(accepted.Deliveries.Single(), DeliveryOutcome.Deferred, 451, "4.4.1", "connection refused"));
        Assert.Equal(Start + TimeSpan.FromMinutes(2), Assert.IsType<RecipientDeferred>(Assert.Single(deferred.Events)).RetryAt);

        harness.AdvanceTo(Start + TimeSpan.FromMinutes(2));
        var expiry = harness.Tick();

        Assert.Equal(["RecipientExpired"], Kinds(expiry));
        var dsn = Assert.Single(expiry.Dsns);
        var expired = Assert.Single(dsn.Recipients);
        Assert.Equal((DsnKind.Failure, RecipientStatus.Expired, "451 4.4.1 connection refused"), (dsn.Kind, expired.Status, expired.LastReply!.ToString()));
        Assert.Empty(expiry.Deliveries);
        Assert.True(harness.State.Messages.ContainsKey(queueId), "completes only once its DSN is queued");
    }

    [Fact]
    public void A_report_for_a_message_no_longer_queued_is_counted_as_a_duplicate_delivery_unless_it_is_a_repeat()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (_, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var request = accepted.Deliveries.Single();
        harness.Decide(Report(request, DeliveryOutcome.Delivered));

        Assert.Equal(0, harness.Decide(Report(request, DeliveryOutcome.Delivered, repeat: true)).LateReports);
        var late = harness.Decide(Report(request, DeliveryOutcome.Delivered));
        Assert.Equal(1, late.LateReports);
        Assert.Empty(late.Events);
    }

    [Fact]
    public void A_report_for_a_recipient_index_the_message_does_not_have_is_ignored()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var request = accepted.Deliveries.Single();

        var decision = harness.Decide(new DeliveryReport(0, queueId, request.DispatchId, [new RecipientResult(7, DeliveryOutcome.Delivered, new RemoteReply(250, null, "ok"))]));

        Assert.Empty(decision.Events);
    }
}
