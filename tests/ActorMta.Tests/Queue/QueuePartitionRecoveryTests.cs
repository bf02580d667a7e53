using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Data.Sqlite;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>A partition that stops (crash, move to another node) comes back from the journal with everything it knew.</summary>
public sealed class QueuePartitionRecoveryTests : QueueTestKit
{
    private readonly TestProbe _delivery;
    private readonly TestProbe _bounces;
    private readonly TestProbe _intake;

    public QueuePartitionRecoveryTests()
    {
        _delivery = CreateTestProbe("delivery");
        // Claims every request as a domain's delivery actor does, so only recovery sends anything again.
        _delivery.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is DeliveryRequest request) sender.Tell(new DeliveryClaimed(request.Partition, [request.DispatchId]), _delivery.Ref);
            return AutoPilot.KeepRunning;
        }));
        _bounces = CreateTestProbe("bounces");
        _intake = CreateTestProbe("intake");
    }

    private IActorRef Start(QueueSettings settings) =>
        Sys.ActorOf(QueuePartition.Props(0, settings, _delivery.Ref, _bounces.Ref, Bodies, TimeProvider.System));

    private void Stop(IActorRef partition)
    {
        Watch(partition);
        Sys.Stop(partition);
        ExpectTerminated(partition);
    }

    private string[] AcceptMany(IActorRef partition, int count, string domain = "dest.example")
    {
        var messages = Enumerable.Range(0, count)
            .Select(i => new QueuePartition.AcceptedEnvelope(QueueId.New(0, DateTimeOffset.UtcNow), Envelope("alice@src.example", $"r{i}@{domain}"), 1000, TimeSpan.FromSeconds(30)))
            .ToArray();
        partition.Tell(new QueuePartition.AcceptBatch(0, messages).Received(DateTimeOffset.UtcNow), _intake.Ref);
        _intake.ExpectMsg<QueuePartition.BatchAccepted>();
        return messages.Select(m => m.QueueId).ToArray();
    }

    private QueuePartition.PartitionCounts Counts(IActorRef partition)
    {
        partition.Tell(new QueuePartition.GetCounts(0), TestActor);
        return ExpectMsg<QueuePartition.PartitionCounts>();
    }

    [Fact]
    public void Queued_messages_and_their_history_survive_a_restart_and_delivery_resumes_without_traffic()
    {
        var partition = Start(Settings(paused: true));
        var ids = AcceptMany(partition, 25);
        Stop(partition);

        var recovered = Start(Settings());
        // No message is sent to it: recovery alone resumes the due work.
        var requests = Enumerable.Range(0, 25).Select(_ => _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10))).ToArray();
        Assert.Equal(ids.Order(), requests.Select(r => r.QueueId).Order());
        Assert.All(requests, r => Assert.Equal(1, r.Recipients.Single().Attempt));

        recovered.Tell(new QueuePartition.GetMessage(0, ids[7]), TestActor);
        var details = ExpectMsg<QueuePartition.MessageDetails>();
        Assert.Equal(["accepted", "attempt"], details.History.Select(h => h.Event));
    }

    [Fact]
    public void Attempt_counts_are_persisted_not_inferred_after_a_restart()
    {
        var settings = Settings(retryInitial: TimeSpan.FromMilliseconds(100));
        var partition = Start(settings);
        var id = AcceptMany(partition, 1).Single();
        var first = _delivery.ExpectMsg<DeliveryRequest>();
        partition.Tell(new DeliveryReport(0, id, first.DispatchId, [new RecipientResult(0, DeliveryOutcome.Deferred, new RemoteReply(451, "4.3.0", "later"))]));
        var second = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, second.Recipients.Single().Attempt);
        partition.Tell(new DeliveryReport(0, id, second.DispatchId, [new RecipientResult(0, DeliveryOutcome.Deferred, new RemoteReply(451, "4.3.0", "later"))]));
        var third = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(5));
        Stop(partition);

        // The third attempt was in flight when the partition stopped: after recovery it goes out again as itself.
        partition = Start(settings);
        var resent = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.Equal((third.DispatchId, 3, true), (resent.DispatchId, resent.Recipients.Single().Attempt, resent.Redispatch));
        partition.Tell(new DeliveryReport(0, id, resent.DispatchId, [new RecipientResult(0, DeliveryOutcome.Deferred, new RemoteReply(451, "4.3.0", "later"))]));
        var fourth = _delivery.ExpectMsg<DeliveryRequest>(TimeSpan.FromSeconds(10));
        Assert.Equal(4, fourth.Recipients.Single().Attempt);
        Assert.True(fourth.DispatchId > third.DispatchId, "dispatch ids must not repeat after a restart");
    }

    [Fact]
    public void Snapshots_trim_the_journal_and_recovery_from_a_snapshot_keeps_every_message()
    {
        var settings = Settings(snapshotEvery: 50, paused: true);
        var partition = Start(settings);
        var ids = Enumerable.Range(0, 6).SelectMany(_ => AcceptMany(partition, 20)).ToArray();

        AwaitAssert(() => Assert.True(JournalRows() < 60, $"journal not trimmed: {JournalRows()} rows"), TimeSpan.FromSeconds(10));
        Assert.True(SnapshotRows() >= 1);
        Stop(partition);

        var recovered = Start(settings);
        Assert.Equal(120, Counts(recovered).Messages);
        recovered.Tell(new QueuePartition.GetMessage(0, ids[0]), TestActor);
        Assert.Equal("queued", ExpectMsg<QueuePartition.MessageDetails>().State);
    }

    [Fact]
    public void Completed_messages_leave_the_state_and_disk_use_stops_growing()
    {
        var settings = Settings(snapshotEvery: 40);
        var partition = Start(settings);
        for (var round = 0; round < 5; round++)
        {
            var ids = AcceptMany(partition, 10);
            for (var i = 0; i < 10; i++)
            {
                var request = _delivery.ExpectMsg<DeliveryRequest>();
                partition.Tell(new DeliveryReport(0, request.QueueId, request.DispatchId, [new RecipientResult(0, DeliveryOutcome.Delivered, new RemoteReply(250, "2.0.0", "ok"))]));
            }
            AwaitAssert(() => Assert.Equal(0, Counts(partition).Messages));
        }
        AwaitAssert(() => Assert.True(JournalRows() <= 40, $"journal keeps {JournalRows()} rows"), TimeSpan.FromSeconds(10));
        Stop(partition);
        Assert.Equal(0, Counts(Start(settings)).Messages);
    }

    private long JournalRows() => Scalar("SELECT COUNT(*) FROM journal");

    private long SnapshotRows() => Scalar("SELECT COUNT(*) FROM snapshot");

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection(Journal.Settings.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
