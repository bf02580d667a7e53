using ActorMta.Delivery;
using ActorMta.TestSupport.Smtp;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// A domain's delivery actor under test: a sink on loopback, a test bed whose MX port is the
/// sink's (example.test's MX is the sink), and a probe standing in for the queue's partitions.
/// </summary>
public abstract class DomainDeliveryTestKit : TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private protected TestSmtpSink Sink { get; private set; } = null!;
    private protected DeliveryTestBed Bed { get; private set; } = null!;

    /// <summary>What the sink offers; a test class that needs another next hop (no 8BITMIME, say) overrides it.</summary>
    private protected virtual TestSmtpSinkOptions SinkOptions => new();

    public async Task InitializeAsync()
    {
        Sink = TestSmtpSink.Start(SinkOptions);
        Bed = await StartBedAsync("");
    }

    public async Task DisposeAsync()
    {
        await Sink.DisposeAsync();
        await Bed.DisposeAsync();
    }

    private protected async Task<DeliveryTestBed> StartBedAsync(string hocon)
    {
        // The MX is a sink on loopback: private destinations must be allowed for that (the test's own HOCON may say otherwise).
        var bed = await DeliveryTestBed.StartAsync($"actormta.delivery {{ mx-port = {Sink.Port}, allow-private-destinations = on }}\n{hocon}");
        bed.Dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        return bed;
    }

    private protected (IActorRef Delivery, TestProbe Queue) Start(string domain, DeliveryTestBed? bed = null)
    {
        var queue = QueueProbe();
        return (Sys.ActorOf(DomainDelivery.Props(domain, (bed ?? Bed).Context(), queue.Ref)), queue);
    }

    /// <summary>Stands for the queue: claims and "domain ready" notices are not what these tests look at, reports are.</summary>
    private protected TestProbe QueueProbe()
    {
        var queue = CreateTestProbe();
        queue.IgnoreMessages(message => message is DeliveryClaimed or DomainReady);
        return queue;
    }

    private protected Task<DomainDelivery.DomainStatus> StatusAsync(IActorRef delivery, string domain) =>
        delivery.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.GetStatus(domain), Deadline);

    /// <summary>One message with one recipient to a fresh delivery actor for <paramref name="domain"/>; its one result.</summary>
    private protected async Task<RecipientResult> DeliverOneAsync(string domain, DateTimeOffset? expiresAt = null)
    {
        var request = await Bed.QueueAsync(domain, DeliveryTestBed.Body(domain), expiresAt: expiresAt);
        var (delivery, queue) = Start(domain);
        delivery.Tell(request);
        var report = queue.ExpectMsg<DeliveryReport>(Deadline);
        Assert.Equal((request.Partition, request.QueueId, request.DispatchId), (report.Partition, report.QueueId, report.DispatchId));
        return Assert.Single(report.Results);
    }
}
