using ActorMta.Contracts;
using ActorMta.Queue.Partition;
using static ActorMta.Tests.Queue.Decider.DeciderHarness;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>An operator's bounce: of one message (by queue id) here; of a domain, as the failed reports its delivery actor sends.</summary>
public sealed class AdminBounceDecisionTests
{
    [Fact]
    public void Bouncing_a_message_fails_its_waiting_recipients_logs_each_and_names_those_in_flight()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings(retryInitial: TimeSpan.FromHours(1)));
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example", "carol@other.example"));
        harness.Decide(Deferred(accepted.Deliveries.Single(r => r.Domain == "dest.example")));
        harness.Advance(TimeSpan.FromMinutes(2));

        var decision = harness.Decide(new PartitionCommand(new QueuePartition.BounceMessage(0, queueId, "spam run"), Operator));

        var failed = Assert.IsType<RecipientFailed>(Assert.Single(decision.Events));
        Assert.Equal((0, AdminBounce.Reply("spam run")), (failed.Recipient, failed.Reply));
        var answer = Assert.IsType<QueuePartition.MessageBounced>(decision.Replies.Single().Message);
        Assert.Equal(["bob@dest.example"], answer.Bounced);
        Assert.Equal(["carol@other.example"], answer.InFlight);
        var line = Assert.Single(decision.AdminBounces);
        Assert.Equal(("bob@dest.example", "dest.example", 1, TimeSpan.FromMinutes(2)), (line.Recipient, line.Domain, line.Attempts, line.Queued));
        // The failure DSN waits for the recipient still on the wire.
        Assert.Empty(decision.Dsns);
        var last = harness.Decide(Report(accepted.Deliveries.Single(r => r.Domain == "other.example"), DeliveryOutcome.Delivered));
        Assert.Equal([0], Assert.Single(last.Dsns).Recipients.Select(r => r.Index));
    }

    [Fact]
    public void Bouncing_an_unknown_message_answers_not_found()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());

        var decision = harness.Decide(new PartitionCommand(new QueuePartition.BounceMessage(0, "nope", "why"), Operator));

        Assert.Empty(decision.Events);
        Assert.Equal((Operator, new QueuePartition.MessageNotFound("nope")), (decision.Replies.Single().To, decision.Replies.Single().Message));
    }

    [Fact]
    public void A_domain_under_an_admin_bounce_reports_failures_that_bounce_to_the_sender()
    {
        var harness = new DeciderHarness(QueueTestKit.Settings());
        var (queueId, accepted) = harness.Accept(Mail("alice@src.example", "bob@dest.example"));
        var request = accepted.Deliveries.Single();
        var reply = AdminBounce.Reply("domain bounced by operator");

        var decision = harness.Decide(new DeliveryReport(0, queueId, request.DispatchId, [new RecipientResult(0, DeliveryOutcome.Failed, reply)]));

        Assert.Equal(reply, Assert.IsType<RecipientFailed>(Assert.Single(decision.Events)).Reply);
        Assert.Equal(reply, Assert.Single(Assert.Single(decision.Dsns).Recipients).LastReply);
    }
}
