using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Queue.Sharding;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Data.Sqlite;

namespace ActorMta.Tests.Queue;

/// <summary>
/// When the journal cannot write, accepts are refused (the session says 451, never 250), and the
/// partition comes back by itself once the database takes writes again.
/// </summary>
public sealed class JournalOutageTests : QueueTestKit
{
    // A one-second busy timeout: a locked database fails writes quickly instead of waiting 30 s.
    public JournalOutageTests() : base(busyTimeoutSeconds: 1) { }

    [Fact]
    public void Accepts_are_refused_while_the_journal_cannot_write_and_taken_again_afterwards()
    {
        var intake = CreateTestProbe();
        var settings = Settings(paused: true);
        var supervisor = Sys.ActorOf(PartitionSupervisor.Props(0,
            QueuePartition.Props(0, settings, CreateTestProbe().Ref, CreateTestProbe().Ref, Bodies, TimeProvider.System), TimeProvider.System));
        Assert.IsType<QueuePartition.BatchAccepted>(Accept(supervisor, intake));

        using (var blocker = new SqliteConnection(Journal.Settings.ConnectionString))
        {
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }
            // Every answer during the outage is a refusal; none may claim durability.
            for (var i = 0; i < 3; i++)
                Assert.IsType<QueuePartition.BatchNotAccepted>(Accept(supervisor, intake));
            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        AwaitAssert(() => Assert.IsType<QueuePartition.BatchAccepted>(Accept(supervisor, intake)), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        supervisor.Tell(new QueuePartition.GetCounts(0), TestActor);
        var counts = ExpectMsg<QueuePartition.PartitionCounts>();
        Assert.True(counts.Messages >= 2, $"expected the messages accepted before and after the outage, got {counts.Messages}");
    }

    private static object Accept(IActorRef partition, TestProbe intake)
    {
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("a@src.example", "b@dest.example"), 10, TimeSpan.FromSeconds(30))]), intake.Ref);
        var started = DateTime.UtcNow;
        var answer = intake.ExpectMsg<object>(TimeSpan.FromSeconds(40));
        Console.WriteLine($"answer {answer.GetType().Name} after {(DateTime.UtcNow - started).TotalSeconds:0.0}s");
        return answer;
    }
}
