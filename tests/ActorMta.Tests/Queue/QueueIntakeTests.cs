using ActorMta.Queue;
using ActorMta.Queue.Partition;
using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;

namespace ActorMta.Tests.Queue;

/// <summary>The intake stores bodies first, then hands envelopes to a partition, and answers sessions only from the partition's answer.</summary>
public sealed class QueueIntakeTests : QueueTestKit
{
    /// <summary>
    /// Stands for the partitions' shard region: the intake's questions about local partitions are
    /// answered with <paramref name="local"/> (none: none here); everything else reaches the probe,
    /// with the intake as its sender.
    /// </summary>
    private (IActorRef Region, TestProbe Partitions) PartitionsProbe(params int[] local) => PartitionsProbe(null, local);

    /// <param name="answered">Told each time the intake has been told which partitions are local.</param>
    private (IActorRef Region, TestProbe Partitions) PartitionsProbe(TestProbe? answered, params int[] local)
    {
        var partitions = CreateTestProbe();
        var region = Sys.ActorOf(Props.Create(() => new RegionStandIn(partitions, answered, local)));
        return (region, partitions);
    }

    private sealed class RegionStandIn : ReceiveActor
    {
        public RegionStandIn(TestProbe partitions, TestProbe? answered, int[] local)
        {
            var ids = local.Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
            Receive<GetShardRegionState>(_ =>
            {
                Sender.Tell(new CurrentShardRegionState(ids.Select(id => new ShardState(id, [id])).ToImmutableHashSet(), ImmutableHashSet<string>.Empty));
                answered?.Ref.Tell("answered");
            });
            ReceiveAny(message => partitions.Forward(message));
        }
    }

    [Fact]
    public void Batches_go_only_to_the_partitions_this_node_hosts_when_it_hosts_some()
    {
        var answered = CreateTestProbe();
        var (region, partitions) = PartitionsProbe(answered, 3, 7);
        var intake = Sys.ActorOf(QueueIntake.Props(Settings(partitions: 16) with { IntakeSlice = TimeSpan.Zero }, Bodies, region, TimeProvider.System));
        // The answer is in the intake's mailbox before anything the test sends from here on.
        answered.ExpectMsg<string>();

        var seen = new HashSet<int>();
        for (var i = 0; i < 8; i++)
        {
            intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", $"r{i}@dest.example"), new byte[] { 1 }), TestActor);
            seen.Add(partitions.ExpectMsg<QueuePartition.AcceptBatch>().Partition);
        }
        Assert.Equal([3, 7], seen.Order());
    }

    [Fact]
    public async Task A_message_is_Enqueued_only_after_its_body_is_stored_and_its_partition_confirms()
    {
        var (region, partitions) = PartitionsProbe();
        var intake = Sys.ActorOf(QueueIntake.Props(Settings(partitions: 8), Bodies, region, TimeProvider.System));
        var body = "Received: from x\r\nSubject: hi\r\n\r\nbody\r\n"u8.ToArray();

        intake.Tell(new QueueIntake.Enqueue(Envelope("alice@src.example", "bob@dest.example"), body), TestActor);

        var batch = partitions.ExpectMsg<QueuePartition.AcceptBatch>();
        var accepted = Assert.Single(batch.Messages);
        Assert.True(QueueId.TryGetPartition(accepted.QueueId, out var partition));
        Assert.Equal(batch.Partition, partition);
        Assert.Equal(body.Length, accepted.Size);
        Assert.Equal(body, await Bodies.ReadAsync(accepted.QueueId, CancellationToken.None));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not before the partition confirms

        partitions.Reply(new QueuePartition.BatchAccepted([accepted.QueueId]));
        Assert.Equal(accepted.QueueId, ExpectMsg<QueueIntake.Enqueued>().QueueId);
    }

    [Fact]
    public void A_refusal_from_the_partition_reaches_the_session()
    {
        var (region, partitions) = PartitionsProbe();
        var intake = Sys.ActorOf(QueueIntake.Props(Settings(), Bodies, region, TimeProvider.System));
        intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", "b@dest.example"), new byte[] { 1 }), TestActor);

        var batch = partitions.ExpectMsg<QueuePartition.AcceptBatch>();
        partitions.Reply(new QueuePartition.BatchNotAccepted([batch.Messages[0].QueueId], "journal write failed"));
        Assert.Equal("journal write failed", ExpectMsg<QueueIntake.NotEnqueued>().Reason);
    }

    [Fact]
    public void No_answer_from_the_partition_within_the_accept_timeout_is_a_refusal()
    {
        var (region, partitions) = PartitionsProbe();
        var intake = Sys.ActorOf(QueueIntake.Props(Settings() with { AcceptTimeout = TimeSpan.FromSeconds(1) }, Bodies, region, TimeProvider.System));
        intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", "b@dest.example"), new byte[] { 1 }), TestActor);
        partitions.ExpectMsg<QueuePartition.AcceptBatch>();

        var refused = ExpectMsg<QueueIntake.NotEnqueued>(TimeSpan.FromSeconds(5));
        Assert.Contains("did not confirm", refused.Reason);
    }

    [Fact]
    public void Messages_arriving_while_a_write_runs_go_together_to_one_partition()
    {
        var (region, partitions) = PartitionsProbe();
        var intake = Sys.ActorOf(QueueIntake.Props(Settings(partitions: 16), Bodies, region, TimeProvider.System));
        for (var i = 0; i < 200; i++)
            intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", $"r{i}@dest.example"), new byte[100]), TestActor);

        var batches = new List<QueuePartition.AcceptBatch>();
        while (batches.Sum(b => b.Messages.Count) < 200) batches.Add(partitions.ExpectMsg<QueuePartition.AcceptBatch>());
        Assert.True(batches.Count < 200, "every message was written on its own");
        Assert.All(batches, b => Assert.All(b.Messages, m => Assert.True(QueueId.TryGetPartition(m.QueueId, out var p) && p == b.Partition)));
        Assert.Equal(200, batches.SelectMany(b => b.Messages).Select(m => m.QueueId).Distinct().Count());
    }

    [Fact]
    public async Task A_body_store_failure_is_a_refusal_not_a_hang()
    {
        var (region, partitions) = PartitionsProbe();
        var intake = Sys.ActorOf(QueueIntake.Props(Settings(), Bodies, region, TimeProvider.System));
        await using (var connection = Journal.CreateBodiesConnection())
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE actormta_message_body";
            await drop.ExecuteNonQueryAsync();
        }

        intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", "b@dest.example"), new byte[] { 1 }), TestActor);
        Assert.Contains("message store unavailable", ExpectMsg<QueueIntake.NotEnqueued>(TimeSpan.FromSeconds(10)).Reason);
        partitions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
