using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.TestKit;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>
/// In-flight work follows the delivery actor, through the actor and its journal: claimed dispatches go
/// out again when their holder stops (the partition watches it) or the partition restarts, never only
/// after the lease (10 minutes here); a domain ready again is remembered across a restart. The decisions
/// themselves are tested without a journal in <see cref="Decider.ClaimDecisionTests"/>.
/// </summary>
public sealed class PartitionClaimTests : QueueTestKit
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);
    private readonly TestProbe _delivery;
    private readonly TestProbe _intake;

    public PartitionClaimTests()
    {
        _delivery = CreateTestProbe("delivery");
        _intake = CreateTestProbe("intake");
    }

    private IActorRef StartPartition(QueueSettings settings) =>
        Sys.ActorOf(QueuePartition.Props(0, settings, _delivery.Ref, CreateTestProbe().Ref, Bodies, TimeProvider.System));

    private string Accept(IActorRef partition, params string[] recipients)
    {
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("alice@src.example", recipients), 1000, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        _intake.ExpectMsg<QueuePartition.BatchAccepted>();
        return queueId;
    }

    /// <summary>A stand-in for the domain's delivery actor that claims the request, as the real one does.</summary>
    private TestProbe ClaimedBy(IActorRef partition, DeliveryRequest request)
    {
        var holder = CreateTestProbe();
        partition.Tell(new DeliveryClaimed(0, [request.DispatchId]), holder.Ref);
        return holder;
    }

    private static DeliveryReport Report(DeliveryRequest request, DeliveryOutcome outcome) =>
        new(0, request.QueueId, request.DispatchId, [.. request.Recipients.Select(r => new RecipientResult(r.Index, outcome, new RemoteReply(451, "4.4.5", "moving")))]);

    [Fact]
    public void A_dispatch_whose_delivery_actor_stops_goes_out_again_within_seconds_with_the_same_attempt()
    {
        var partition = StartPartition(Settings(lease: LongLease));
        Accept(partition, "bob@dest.example");
        var first = _delivery.ExpectMsg<DeliveryRequest>();
        var holder = ClaimedBy(partition, first);

        Sys.Stop(holder.Ref);

        var again = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.Equal((first.QueueId, first.DispatchId, true), (again.QueueId, again.DispatchId, again.Redispatch));
        Assert.Equal(first.Recipients.Single().Attempt, again.Recipients.Single().Attempt);
    }

    [Fact]
    public void After_a_restart_the_partition_sends_what_was_in_flight_again_instead_of_waiting_for_the_lease()
    {
        var settings = Settings(lease: LongLease);
        var partition = StartPartition(settings);
        Accept(partition, "bob@dest.example");
        var first = _delivery.ExpectMsg<DeliveryRequest>();
        ClaimedBy(partition, first);
        Watch(partition);
        Sys.Stop(partition);
        ExpectTerminated(partition);

        StartPartition(settings);

        var again = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.Equal((first.DispatchId, true), (again.DispatchId, again.Redispatch));
    }

    [Fact]
    public void A_domain_ready_again_is_remembered_for_mail_that_waits_for_a_slot_and_after_a_restart()
    {
        var settings = Settings(lease: LongLease, retryInitial: TimeSpan.FromHours(1), maxInFlightPerDomain: 1);
        var partition = StartPartition(settings);
        var first = Accept(partition, "bob@dest.example");
        var second = Accept(partition, "carol@dest.example");
        foreach (var _ in new[] { first, second })
        {
            var request = _delivery.ExpectMsg<DeliveryRequest>();
            ClaimedBy(partition, request);
            partition.Tell(Report(request, DeliveryOutcome.Deferred));
        }

        partition.Tell(new DomainReady(0, "dest.example"));
        var one = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Watch(partition);
        Sys.Stop(partition);
        ExpectTerminated(partition);

        // Only one slot, and the partition restarted: the other one is due all the same (the journal says so).
        partition = StartPartition(settings);
        var resent = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.Equal(one.DispatchId, resent.DispatchId);
        partition.Tell(new DeliveryReport(0, resent.QueueId, resent.DispatchId, [new RecipientResult(0, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok"))]));
        var other = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.NotEqual(one.QueueId, other.QueueId);
        Assert.Equal(2, other.Recipients.Single().Attempt);
    }

    [Fact]
    public void A_hand_off_lets_the_turn_under_way_answer_its_clients_before_the_partition_stops()
    {
        var partition = StartPartition(Settings());
        Watch(partition);
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("alice@src.example", "bob@dest.example"), 1000, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        partition.Tell(QueuePartition.Stop.Instance);

        Assert.Equal([queueId], _intake.ExpectMsg<QueuePartition.BatchAccepted>().QueueIds);
        _delivery.ExpectMsg<DeliveryRequest>();
        ExpectTerminated(partition);
    }
}
