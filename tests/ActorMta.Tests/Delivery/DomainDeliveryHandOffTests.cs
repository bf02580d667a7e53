using ActorMta.Contracts;
using ActorMta.Delivery;
using Akka.Actor;

namespace ActorMta.Tests.Delivery;

/// <summary>Moving the domain (sharding's hand-off) is a state of the delivery actor: nothing new is taken, the wire finishes, then it stops.</summary>
public sealed class DomainDeliveryHandOffTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task On_hand_off_waiting_and_new_requests_go_back_unattempted_and_the_one_on_the_wire_is_reported_before_the_actor_stops()
    {
        await using var bed = await StartBedAsync("""actormta.delivery.domains."example.test".max-connections = 1""");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sink.Replies.OnMessage().Times(1).ReplyAfter(release.Task, 250, "2.0.0 Ok: held until released");
        var (delivery, queue) = Start("example.test", bed);
        Watch(delivery);
        var onTheWire = await bed.QueueAsync("example.test", DeliveryTestBed.Body("on the wire"));
        var waiting = await bed.QueueAsync("example.test", DeliveryTestBed.Body("waiting"));
        delivery.Tell(onTheWire);
        delivery.Tell(waiting);
        await AwaitAssertAsync(async () =>
        {
            var status = await StatusAsync(delivery, "example.test");
            Assert.Equal((1, 1), (status.InFlight, status.Backlog));
        }, Deadline);

        delivery.Tell(DomainDelivery.HandOff.Instance);

        var returned = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal(waiting.DispatchId, returned.DispatchId);
        Assert.Equal(DeliveryOutcome.Returned, Assert.Single(returned.Results).Outcome);
        var late = await bed.QueueAsync("example.test", DeliveryTestBed.Body("late"));
        delivery.Tell(late);
        var lateReport = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal((late.DispatchId, DeliveryOutcome.Returned), (lateReport.DispatchId, Assert.Single(lateReport.Results).Outcome));

        release.SetResult();
        var delivered = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal((onTheWire.DispatchId, DeliveryOutcome.Delivered), (delivered.DispatchId, Assert.Single(delivered.Results).Outcome));
        ExpectTerminated(delivery, Deadline);
        Assert.Single(Sink.Messages);
        // Only the held one was ever sent. Checked once the actor is gone, not while the held one may still be
        // connecting (under load its MAIL can come after the hand-off, which made this fail now and then).
        Assert.Single(Sink.Commands, c => c.Line.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
    }
}
