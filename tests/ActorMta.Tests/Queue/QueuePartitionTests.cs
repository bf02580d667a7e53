using ActorMta.Bounces;
using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Data.Sqlite;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>
/// The partition actor over the real SQLite journal (delivery and bounces are probes): what it sends goes out
/// only once durable. Its decisions are tested without a journal in <see cref="Decider"/>.
/// </summary>
public sealed class QueuePartitionTests : QueueTestKit
{
    private readonly TestProbe _delivery;
    private readonly TestProbe _bounces;
    private readonly TestProbe _intake;

    public QueuePartitionTests()
    {
        _delivery = CreateTestProbe("delivery");
        // The probe claims every request as a domain's delivery actor does, so nothing is sent twice.
        _delivery.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is DeliveryRequest request) sender.Tell(new DeliveryClaimed(request.Partition, [request.DispatchId]), _delivery.Ref);
            return AutoPilot.KeepRunning;
        }));
        _bounces = CreateTestProbe("bounces");
        _intake = CreateTestProbe("intake");
    }

    private IActorRef StartPartition(QueueSettings settings, int partition = 0) =>
        Sys.ActorOf(QueuePartition.Props(partition, settings, _delivery.Ref, _bounces.Ref, Bodies, TimeProvider.System));

    private string Accept(IActorRef partition, SmtpEnvelope envelope, int partitionNumber = 0)
    {
        var queueId = QueueId.New(partitionNumber, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(partitionNumber, [new QueuePartition.AcceptedEnvelope(queueId, envelope, 1000, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        Assert.Equal([queueId], _intake.ExpectMsg<QueuePartition.BatchAccepted>().QueueIds);
        return queueId;
    }

    private QueuePartition.MessageDetails Details(IActorRef partition, string queueId)
    {
        partition.Tell(new QueuePartition.GetMessage(0, queueId), TestActor);
        return ExpectMsg<QueuePartition.MessageDetails>();
    }

    private static DeliveryReport Report(DeliveryRequest request, DeliveryOutcome outcome, int code, string enhanced, string text, DateTimeOffset? notBefore = null) =>
        new(request.Partition, request.QueueId, request.DispatchId,
            request.Recipients.Select(r => new RecipientResult(r.Index, outcome, new RemoteReply(code, enhanced, text), "mx.dest.example", "127.0.0.1", false, notBefore)).ToArray());

    [Fact]
    public void An_accepted_message_is_dispatched_once_durable_and_completes_when_delivered()
    {
        var partition = StartPartition(Settings());
        var queueId = Accept(partition, Envelope("alice@src.example", "bob@dest.example", "carol@dest.example", "dave@other.example"));

        var requests = new[] { _delivery.ExpectMsg<DeliveryRequest>(), _delivery.ExpectMsg<DeliveryRequest>() }.OrderBy(r => r.Domain).ToArray();
        Assert.Equal(["dest.example", "other.example"], requests.Select(r => r.Domain));
        Assert.Equal([0, 1], requests[0].Recipients.Select(r => r.Index));
        Assert.All(requests.SelectMany(r => r.Recipients), r => Assert.Equal(1, r.Attempt));
        Assert.Equal("alice@src.example", requests[0].ReversePath);

        foreach (var request in requests) partition.Tell(Report(request, DeliveryOutcome.Delivered, 250, "2.0.0", "ok"));

        AwaitAssert(() => Assert.Equal("completed", Details(partition, queueId).State));
        var history = Details(partition, queueId).History.Select(h => h.Event).ToArray();
        Assert.Equal(["accepted", "attempt", "attempt", "delivered", "delivered", "delivered", "completed"], history);
        Assert.False(_bounces.HasMessages);
    }

    [Fact]
    public void An_accept_is_answered_and_dispatched_only_once_its_write_is_durable()
    {
        var partition = StartPartition(Settings());
        Accept(partition, Envelope("alice@src.example", "warm@dest.example")); // recovered, journal tables made
        _delivery.ExpectMsg<DeliveryRequest>();
        using var blocker = new SqliteConnection(Journal.Settings.ConnectionString);
        blocker.Open();
        Execute(blocker, "BEGIN IMMEDIATE");

        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("alice@src.example", "bob@dest.example"), 1000, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        Settled(partition); // it has taken the batch ...
        Settled(partition); // ... and run its turn: the write waits on the lock
        Assert.False(_intake.HasMessages, "answered before the write was durable");
        Assert.False(_delivery.HasMessages, "dispatched before the write was durable");
        Execute(blocker, "ROLLBACK");

        Assert.Equal([queueId], _intake.ExpectMsg<QueuePartition.BatchAccepted>().QueueIds);
        Assert.Equal(queueId, _delivery.ExpectMsg<DeliveryRequest>().QueueId);
    }

    /// <summary>Returns once <paramref name="actor"/> has handled everything sent to it before.</summary>
    private void Settled(IActorRef actor)
    {
        actor.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task A_completed_message_s_body_is_deleted()
    {
        var partition = StartPartition(Settings());
        var queueId = QueueId.New(0, DateTimeOffset.UtcNow);
        await Bodies.StoreAsync([new StoredBody(queueId, 0, "Subject: x\r\n\r\nhello\r\n"u8.ToArray())], DateTimeOffset.UtcNow, CancellationToken.None);
        partition.Tell(new QueuePartition.AcceptBatch(0, [new QueuePartition.AcceptedEnvelope(queueId, Envelope("a@src.example", "b@dest.example"), 10, TimeSpan.FromSeconds(30))]).Received(DateTimeOffset.UtcNow), _intake.Ref);
        _intake.ExpectMsg<QueuePartition.BatchAccepted>();
        Assert.NotNull(await Bodies.ReadAsync(queueId, CancellationToken.None));

        partition.Tell(Report(_delivery.ExpectMsg<DeliveryRequest>(), DeliveryOutcome.Delivered, 250, "2.0.0", "ok"));

        await AwaitAssertAsync(async () => Assert.Null(await Bodies.ReadAsync(queueId, CancellationToken.None)));
    }
}
