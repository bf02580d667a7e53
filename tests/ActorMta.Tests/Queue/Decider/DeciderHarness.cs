using ActorMta.Contracts;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;

namespace ActorMta.Tests.Queue.Decider;

/// <summary>
/// A <see cref="PartitionDecider"/> on a fake clock (a time the test moves) with an injected random
/// source: no actor, no journal, no waiting. Every decision is "sent" at once, as the actor does
/// after the write.
/// </summary>
internal sealed class DeciderHarness
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public const string Intake = "intake";
    public const string Operator = "operator";

    private int _nextId;

    public DeciderHarness(QueueSettings settings, Random? random = null)
    {
        Settings = settings;
        var state = new PartitionState { DeliveryLease = settings.DeliveryLease, RecentlyCompletedLimit = settings.RecentlyCompleted };
        _replayed = new PartitionState { DeliveryLease = settings.DeliveryLease, RecentlyCompletedLimit = settings.RecentlyCompleted };
        Decider = new PartitionDecider(0, settings, state, random ?? new FixedRandom(0.5));
        Decider.Recovered();
    }

    public QueueSettings Settings { get; }
    public PartitionDecider Decider { get; }
    public PartitionState State => Decider.State;
    public DateTimeOffset Now { get; private set; } = Start;

    public void Advance(TimeSpan by) => Now += by;

    public void AdvanceTo(DateTimeOffset at) => Now = at;

    /// <summary>One turn with these commands (from <see cref="Intake"/> unless a command is a <see cref="PartitionCommand"/>).</summary>
    public PartitionDecision Decide(params object[] commands)
    {
        var decision = Decider.Decide(commands.Select(c => c as PartitionCommand? ?? new PartitionCommand(c, Intake)).ToArray(), Now);
        Decider.Sent(decision, Now);
        AssertReplayAgrees(decision);
        return decision;
    }

    /// <summary>Events read back from a journal (written by an earlier build, say), then recovery.</summary>
    public void Recover(params IQueueEvent[] journal)
    {
        foreach (var e in journal)
        {
            State.Apply(e);
            _replayed.Apply(e);
        }
        Decider.Recovered();
    }

    /// <summary>A state rebuilt from the written events alone, as recovery rebuilds it.</summary>
    private readonly PartitionState _replayed;

    /// <summary>
    /// Every turn: replaying its events (as recovery would) gives the state the decider holds: the same messages,
    /// each recipient in the same status with the same attempts. Folded completions must remove what the decider removed.
    /// </summary>
    private void AssertReplayAgrees(PartitionDecision decision)
    {
        foreach (var e in decision.Events) _replayed.Apply(e);
        Assert.Equal(State.Messages.Keys.Order(), _replayed.Messages.Keys.Order());
        foreach (var (queueId, message) in State.Messages)
            Assert.Equal(message.Recipients.Select(r => (r.Status, r.Attempts, r.DueAt)), _replayed.Messages[queueId].Recipients.Select(r => (r.Status, r.Attempts, r.DueAt)));
        Assert.Equal(State.RecentlyCompleted.Select(c => c.QueueId).Order(), _replayed.RecentlyCompleted.Select(c => c.QueueId).Order());
    }

    /// <summary>A turn with no command: what is due now.</summary>
    public PartitionDecision Tick() => Decide();

    public QueuePartition.AcceptedEnvelope Envelope(SmtpEnvelope envelope, TimeSpan? timeLeft = null) =>
        new(QueueId.New(0, Now.AddTicks(_nextId++)), envelope, 1000, timeLeft ?? TimeSpan.FromSeconds(30));

    /// <summary>An accept batch as the partition stamps it on receipt (its clock now).</summary>
    public QueuePartition.AcceptBatch Batch(params QueuePartition.AcceptedEnvelope[] messages) => new QueuePartition.AcceptBatch(0, messages).Received(Now);

    /// <summary>Accepts one message in its own turn; returns its queue id and the turn.</summary>
    public (string QueueId, PartitionDecision Decision) Accept(SmtpEnvelope envelope)
    {
        var message = Envelope(envelope);
        var decision = Decide(Batch(message));
        Assert.Equal([message.QueueId], Assert.IsType<QueuePartition.BatchAccepted>(decision.Replies.Single().Message).QueueIds);
        return (message.QueueId, decision);
    }

    public static SmtpEnvelope Mail(string sender, params string[] recipients) => QueueTestKit.Envelope(sender, recipients);

    public static DeliveryReport Report(DeliveryRequest request, DeliveryOutcome outcome, int code = 250, string enhanced = "2.0.0", string text = "ok",
        DateTimeOffset? notBefore = null, bool repeat = false) =>
        new(request.Partition, request.QueueId, request.DispatchId,
            [.. request.Recipients.Select(r => new RecipientResult(r.Index, outcome, new RemoteReply(code, enhanced, text), "mx.dest.example", "127.0.0.1", false, notBefore))],
            repeat);

    public static DeliveryReport Deferred(DeliveryRequest request, DateTimeOffset? notBefore = null) =>
        Report(request, DeliveryOutcome.Deferred, 451, "4.3.0", "try later", notBefore);

    public static DeliveryReport Failed(DeliveryRequest request) => Report(request, DeliveryOutcome.Failed, 550, "5.1.1", "no such user");

    /// <summary>The events' types in order; one that also completes its message shows as "Type+Completed".</summary>
    public static string[] Kinds(PartitionDecision decision) =>
        [.. decision.Events.Select(e => e.GetType().Name + (e is ICompletingEvent { Completes: true } ? "+Completed" : ""))];
}

/// <summary>A random source that always draws the same number: jitter becomes exact.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
