using ActorMta.Delivery;
using ActorMta.TestSupport;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// Issue 11: an operator's admin bounce of a domain. Requests fail with the reason (the partition then fails the
/// recipients and sends the DSN), the partitions hear that their waiting mail is due, the delivery log marks each
/// line AdminBounce, the rule outlives the actor, and a cancelled rule lets mail through again.
/// </summary>
public sealed class DomainDeliveryAdminBounceTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task Requests_under_an_admin_bounce_fail_with_the_reason_are_logged_as_AdminBounce_and_flow_again_after_cancel()
    {
        const string Domain = "example.test";
        var queue = CreateTestProbe();
        queue.IgnoreMessages(message => message is DeliveryClaimed);
        var delivery = Sys.ActorOf(DomainDelivery.Props(Domain, Bed.Context(), queue.Ref));

        var status = await delivery.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.Bounce(Domain, TimeSpan.FromMinutes(10), "bad send 42"), Deadline);
        Assert.Equal(("bouncing", "bad send 42"), (status.State, status.BounceReason));
        Assert.InRange(status.BouncedUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        // Every partition's waiting mail for the domain is made due, so it comes here and fails.
        Assert.Equal(Domain, queue.ExpectMsg<DomainReady>(Deadline).Domain);

        var request = await Bed.QueueAsync(Domain, DeliveryTestBed.Body("bounced"));
        delivery.Tell(request);
        var result = Assert.Single(queue.FishForMessage<DeliveryReport>(_ => true, Deadline).Results);
        Assert.Equal((DeliveryOutcome.Failed, 551, "5.7.1", "Administrator bounced with reason: bad send 42"),
            (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode, result.Reply.Text));
        Assert.Equal(0, Sink.TotalConnections);
        var line = await Eventually.Returns(() => Task.FromResult(File.Exists(Bed.LogFile) ? File.ReadAllText(Bed.LogFile) : ""),
            text => text.Contains(request.QueueId, StringComparison.Ordinal), Deadline, "the delivery log line");
        Assert.Contains("\"outcome\":\"failed\"", line, StringComparison.Ordinal);
        Assert.Contains("\"bounceClass\":\"AdminBounce\"", line, StringComparison.Ordinal);
        Assert.Equal(1, (await StatusAsync(delivery, Domain)).AdminBounced);

        // The rule is in the domain's persisted state: a new incarnation (another node, after a kill) keeps it.
        Watch(delivery);
        Sys.Stop(delivery);
        ExpectTerminated(delivery, Deadline);
        var again = Sys.ActorOf(DomainDelivery.Props(Domain, Bed.Context(), queue.Ref));
        var restored = await StatusAsync(again, Domain);
        Assert.Equal((status.BouncedUntil, "bad send 42"), (restored.BouncedUntil, restored.BounceReason));

        var cancelled = await again.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.CancelBounce(Domain), Deadline);
        Assert.Null(cancelled.BouncedUntil);
        again.Tell(request with { DispatchId = request.DispatchId + 1000 });
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.FishForMessage<DeliveryReport>(_ => true, Deadline).Results).Outcome);
        Assert.Single(await Sink.WaitForMessagesAsync(1, Deadline));
    }
}
