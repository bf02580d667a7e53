using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>Event application: what a partition keeps per message (a deep queue holds hundreds of thousands).</summary>
public sealed class PartitionStateTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static MessageAccepted Accepted(string queueId, string helo = "client.example") => new(queueId,
        new SmtpEnvelope(new string("sender@origin.test".ToCharArray()), [new EnvelopeRecipient("rcpt@dest.test")], BodyType.Unspecified, false, DsnReturn.Unspecified, null,
            new SubmittingClient("127.0.0.1", new string(helo.ToCharArray()), "relay"), At), 1024, At, At.AddDays(5));

    [Fact]
    public void The_accepted_line_is_derived_and_history_is_only_allocated_when_something_happens()
    {
        var state = new PartitionState();
        state.Apply(Accepted("q1"));

        var message = state.Messages["q1"];
        Assert.Null(message.History);
        var accepted = Assert.Single(PartitionState.HistoryOf(message));
        Assert.Equal(("accepted", At), (accepted.Event, accepted.At));
        Assert.Equal("from sender@origin.test for 1 recipient(s), 1024 bytes, client 127.0.0.1", accepted.Detail);

        state.Apply(new AttemptStarted("q1", 1, [0], At.AddSeconds(1)));
        Assert.Equal(["accepted", "attempt"], PartitionState.HistoryOf(message).Select(h => h.Event));
    }

    [Fact]
    public void History_is_capped_and_keeps_the_accept_and_the_latest_events()
    {
        var state = new PartitionState();
        state.Apply(Accepted("q1"));
        for (var i = 0; i < 100; i++)
            state.Apply(new RecipientDeferred("q1", 0, new RemoteReply(451, "4.3.0", $"try {i}"), null, At.AddMinutes(i + 1), At.AddMinutes(i)));

        var history = PartitionState.HistoryOf(state.Messages["q1"]);
        Assert.Equal(PartitionState.MaxHistoryPerMessage, history.Count);
        Assert.Equal("accepted", history[0].Event);
        Assert.Contains("try 99", history[^1].Detail);
    }

    [Fact]
    public void Messages_from_the_same_client_share_one_client_record()
    {
        var state = new PartitionState();
        state.Apply(Accepted("q1"));
        state.Apply(Accepted("q2"));
        state.Apply(Accepted("q3", helo: "other.example"));

        Assert.Same(state.Messages["q1"].Envelope.Client, state.Messages["q2"].Envelope.Client);
        Assert.NotSame(state.Messages["q1"].Envelope.Client, state.Messages["q3"].Envelope.Client);
        Assert.Same(state.Messages["q1"].Envelope.ReversePath, state.Messages["q3"].Envelope.ReversePath);
    }

    [Fact]
    public void A_snapshot_that_still_carries_the_accepted_line_does_not_show_it_twice()
    {
        var state = new PartitionState();
        state.Apply(Accepted("q1"));
        var old = state.Messages["q1"];
        old.History = [new HistoryEntry(At, "accepted", "from sender@origin.test ..."), new HistoryEntry(At.AddSeconds(1), "attempt", "dispatch 1")];

        var restored = new PartitionState();
        restored.Restore(new PartitionSnapshot(1, [old], []));

        Assert.Equal(["accepted", "attempt"], PartitionState.HistoryOf(restored.Messages["q1"]).Select(h => h.Event));
    }
}
