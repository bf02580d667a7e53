using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Queue.Sharding;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Queue;

/// <summary>
/// The intake and the partition run on different nodes whose clocks may disagree. Whichever is
/// ahead, the partition takes a message only while the intake's client still waits for it. The deadline
/// rule itself is tested without a journal in <see cref="Decider.AcceptDecisionTests"/>; here, a message
/// taken in time stays taken although its write finishes after the deadline.
/// </summary>
public sealed class AcceptDeadlineSkewTests : QueueTestKit
{
    private static readonly DateTimeOffset IntakeTime = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _intakeClock = new(IntakeTime);
    private readonly QueueSettings _settings = Settings(partitions: 1, paused: true) with { AcceptTimeout = TimeSpan.FromSeconds(15) };
    private readonly TestProbe _toPartition;

    public AcceptDeadlineSkewTests()
    {
        _toPartition = CreateTestProbe();
        // The intake's question about which partitions are local goes unanswered: it feeds them all.
        _toPartition.IgnoreMessages(message => message is Akka.Cluster.Sharding.GetShardRegionState);
    }

    /// <summary>An intake on its clock; the partition (and its supervisor) on <paramref name="partitionClock"/>.</summary>
    private (IActorRef Intake, IActorRef Supervisor) Start(FakeTimeProvider partitionClock)
    {
        var supervisor = Sys.ActorOf(PartitionSupervisor.Props(0,
            QueuePartition.Props(0, _settings, CreateTestProbe().Ref, CreateTestProbe().Ref, Bodies, partitionClock), partitionClock));
        return (Sys.ActorOf(QueueIntake.Props(_settings, Bodies, _toPartition.Ref, _intakeClock)), supervisor);
    }

    /// <summary>A message handed in; its batch passed on to the supervisor (which has taken it when this returns).</summary>
    private string Enqueue(IActorRef intake, IActorRef supervisor, string recipient)
    {
        intake.Tell(new QueueIntake.Enqueue(Envelope("a@src.example", recipient), new byte[] { 1 }), TestActor);
        var batch = _toPartition.ExpectMsg<QueuePartition.AcceptBatch>();
        supervisor.Tell(batch, _toPartition.LastSender);
        Settled(supervisor);
        return batch.Messages.Single().QueueId;
    }

    /// <summary>Returns once <paramref name="actor"/> has handled everything sent to it before.</summary>
    private void Settled(ActorPath actor)
    {
        Sys.ActorSelection(actor).Tell(new Identify(actor.ToString()), TestActor);
        ExpectMsg<ActorIdentity>();
    }

    private void Settled(IActorRef actor) => Settled(actor.Path);

    [Fact]
    public void A_partition_clock_behind_the_intake_s_stops_taking_a_message_before_its_client_hears_451()
    {
        var partitionClock = new FakeTimeProvider(IntakeTime - Skew);
        var (intake, supervisor) = Start(partitionClock);
        Enqueue(intake, supervisor, "warm@dest.example");
        ExpectMsg<QueueIntake.Enqueued>(); // recovered, journal tables made

        using var blocker = new SqliteConnection(Journal.Settings.ConnectionString);
        blocker.Open();
        Execute(blocker, "BEGIN IMMEDIATE");
        // The first message's journal write now waits on the lock; the second waits behind it in the partition.
        var first = Enqueue(intake, supervisor, "first@dest.example");
        var partition = supervisor.Path / "partition";
        Settled(partition); // it has taken the batch ...
        Settled(partition); // ... and run its turn: the write is under way
        var second = Enqueue(intake, supervisor, "second@dest.example");

        // Past the intake's deadline on both clocks: both clients hear 451.
        _intakeClock.Advance(TimeSpan.FromSeconds(16));
        partitionClock.Advance(TimeSpan.FromSeconds(16));
        ExpectMsg<QueueIntake.NotEnqueued>();
        ExpectMsg<QueueIntake.NotEnqueued>();
        Execute(blocker, "ROLLBACK");

        // The first was taken in time (its write only finishes late); the second came up after its client heard 451.
        Assert.IsType<QueuePartition.MessageDetails>(Describe(supervisor, first));
        Assert.IsType<QueuePartition.MessageNotFound>(Describe(supervisor, second));
    }

    private object Describe(IActorRef supervisor, string queueId)
    {
        supervisor.Tell(new QueuePartition.GetMessage(0, queueId), TestActor);
        return ExpectMsg<object>();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
