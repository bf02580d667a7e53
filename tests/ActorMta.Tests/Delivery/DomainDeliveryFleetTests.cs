using ActorMta.Delivery;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// What lets a domain's delivery move between nodes: a request that comes again is never attempted
/// twice, the backoff state outlives the actor, and a domain suspended for refused connections
/// resumes as soon as its host answers (and says so to every partition).
/// </summary>
public sealed class DomainDeliveryFleetTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task A_request_that_comes_again_after_its_report_gets_the_same_report_again_and_no_second_delivery()
    {
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("once"));
        var (delivery, queue) = Start("example.test");
        delivery.Tell(request);
        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(report.Results).Outcome);

        delivery.Tell(request with { Redispatch = true });

        var repeat = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.True(repeat.Repeat);
        Assert.Equal(report.Results, repeat.Results);
        Assert.Single(Sink.Messages);
    }

    [Fact]
    public async Task A_request_is_claimed_by_the_actor_that_holds_it()
    {
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("claimed"));
        var queue = CreateTestProbe();
        var delivery = Sys.ActorOf(DomainDelivery.Props("example.test", Bed.Context(), queue.Ref));
        delivery.Tell(request);

        var claim = queue.ExpectMsg<DeliveryClaimed>(Deadline);
        Assert.Equal(request.Partition, claim.Partition);
        Assert.Equal([request.DispatchId], claim.DispatchIds);
        Assert.Equal(delivery, queue.LastSender);
    }

    [Fact]
    public async Task An_operators_suspension_is_still_in_force_in_the_domains_next_actor()
    {
        var (first, _) = Start("held.example.test");
        await first.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.Suspend("held.example.test", TimeSpan.FromMinutes(30), "maintenance window"), Deadline);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var (second, queue) = Start("held.example.test");
        var status = await StatusAsync(second, "held.example.test");
        Assert.Equal("suspended", status.State);
        Assert.Contains("maintenance window", status.SuspendReason);

        var request = await Bed.QueueAsync("held.example.test", DeliveryTestBed.Body("held"));
        second.Tell(request);
        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Deferred, status.SuspendedUntil), (result.Outcome, result.RetryNotBefore));
    }

    [Fact]
    public async Task A_domain_suspended_for_refused_connections_resumes_when_its_host_answers_and_tells_every_partition()
    {
        var port = FreePort.Tcp();
        await using var bed = await DeliveryTestBed.StartAsync($$"""
            actormta.delivery { mx-port = {{port}}, allow-private-destinations = on }
            actormta.delivery.defaults.backoff { suspend-after-connection-failures = 1, suspend-for = 30m, probe-every = 1s }
            """);
        bed.Dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        var queue = CreateTestProbe();
        queue.IgnoreMessages(message => message is DeliveryClaimed);
        var delivery = Sys.ActorOf(DomainDelivery.Props("example.test", bed.Context() with { QueuePartitions = 3 }, queue.Ref));
        delivery.Tell(await bed.QueueAsync("example.test", DeliveryTestBed.Body("refused")));
        Assert.Equal(DeliveryOutcome.Deferred, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        Assert.Equal("suspended", (await StatusAsync(delivery, "example.test")).State);

        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = port });

        var ready = Enumerable.Range(0, 3).Select(_ => queue.ExpectMsg<DomainReady>(Deadline)).ToArray();
        Assert.Equal([0, 1, 2], ready.Select(r => r.Partition).Order());
        Assert.All(ready, r => Assert.Equal("example.test", r.Domain));
        Assert.Equal("active", (await StatusAsync(delivery, "example.test")).State);
    }
}
