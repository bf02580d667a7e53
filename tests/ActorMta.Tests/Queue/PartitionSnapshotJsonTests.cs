using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>The snapshot's JSON moved from the wire serializer to the queue: snapshots already in journals still read, and the same state writes the same bytes.</summary>
public sealed class PartitionSnapshotJsonTests
{
    /// <summary>Written by the code before the move (ActorMta.Serialization.QueueJson) from the state built below.</summary>
    private const string WrittenBeforeTheMove =
        """{"LastDispatchId":0,"Messages":[{"QueueId":"q1","Envelope":{"ReversePath":"sender@origin.test","Recipients":[{"Address":"rcpt@dest.test","Notify":"Unspecified","Domain":"dest.test"}],"BodyType":"EightBitMime","SmtpUtf8":false,"Ret":"Headers","EnvelopeId":"env-1","Client":{"Address":"127.0.0.1","HeloName":"client.example","Listener":"relay"},"ReceivedAt":"2026-11-28T12:00:00+00:00","HasNullReversePath":false},"Size":1024,"AcceptedAt":"2026-11-28T12:00:00+00:00","ExpiresAt":"2026-12-03T12:00:00+00:00","Recipients":[{"Status":"Pending","Attempts":0,"DueAt":"2026-11-28T12:00:00+00:00","DispatchId":0,"DsnQueued":"None","IsFinal":false,"IsWaiting":true}],"AllFinal":false}],"RecentlyCompleted":[]}""";

    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_snapshot_written_before_the_move_reads_and_the_same_state_writes_the_same_bytes()
    {
        var state = new PartitionState();
        state.Apply(new MessageAccepted("q1", new SmtpEnvelope("sender@origin.test", [new EnvelopeRecipient("rcpt@dest.test")], BodyType.EightBitMime, false, DsnReturn.Headers, "env-1",
            new SubmittingClient("127.0.0.1", "client.example", "relay"), At), 1024, At, At.AddDays(5)));

        Assert.Equal(WrittenBeforeTheMove, System.Text.Encoding.UTF8.GetString(PartitionSnapshotJson.Serialize(state.ToSnapshot())));

        var restored = new PartitionState();
        restored.Restore(PartitionSnapshotJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(WrittenBeforeTheMove)));
        var message = restored.Messages["q1"];
        Assert.Equal(("sender@origin.test", "env-1", DsnReturn.Headers, 1024L), (message.Envelope.ReversePath, message.Envelope.EnvelopeId, message.Envelope.Ret, message.Size));
        Assert.Equal("rcpt@dest.test", Assert.Single(message.Envelope.Recipients).Address);
        Assert.Equal(At.AddDays(5), message.ExpiresAt);
    }
}
