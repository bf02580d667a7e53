using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>A command for the decider and whoever sent it (answers go back to them; opaque here).</summary>
public readonly record struct PartitionCommand(object Command, object From);

/// <summary>
/// The partition's decisions, apart from its actor: given the state, a turn's commands (or none: a
/// tick), the settings, the time and a random source, it returns the events to write and what to
/// send once they are durable, as data (<see cref="PartitionDecision"/>). It reads no clock, sends
/// nothing, and does no I/O; its randomness is the one handed in (retry jitter).
///
/// The state is not copied per turn (a partition may hold hundreds of thousands of messages): the
/// decider applies each event it emits to <see cref="State"/> at once, and keeps derived indexes
/// (what is due when, dispatches out per domain, who holds them, DSNs asked for) beside it.
/// </summary>
public sealed partial class PartitionDecider
{
    private static readonly TimeSpan DsnAnswerTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DsnNotQueuedRetry = TimeSpan.FromMinutes(1);
    private static readonly RemoteReply LeaseExpiredReply = new(451, "4.4.7", "no delivery report within the lease; trying again");

    private readonly int _partition;
    private readonly QueueSettings _settings;
    private readonly Random _random;
    private readonly DispatchBook _dispatches;
    private readonly DeliveryClaims _claims = new();
    /// <summary>DSNs asked for and not yet answered, with when they were asked (not persisted: asked again after a restart).</summary>
    private readonly Dictionary<(string QueueId, DsnKind Kind), DateTimeOffset> _dsnRequested = [];
    /// <summary>Reused by <see cref="Dispatch"/>: the due recipients of one message by domain.</summary>
    private readonly Dictionary<string, List<int>> _dueByDomain = new(StringComparer.Ordinal);

    /// <param name="random">Spreads retries (jitter); tests pass a seeded or fixed one.</param>
    public PartitionDecider(int partition, QueueSettings settings, PartitionState state, Random random)
    {
        _partition = partition;
        _settings = settings;
        _random = random;
        State = state;
        _dispatches = new DispatchBook(state);
    }

    public PartitionState State { get; }

    /// <summary>
    /// The state is recovered: rebuilds the indexes, every message is due for a look, and every
    /// dispatch that was in flight is sent again at the next <see cref="ResendDue"/> (nobody is known
    /// to hold it). Returns how many were in flight.
    /// </summary>
    public int Recovered()
    {
        _dispatches.Rebuild();
        var recovered = 0;
        foreach (var dispatchId in _dispatches.DispatchIds)
        {
            _claims.Recovered(dispatchId);
            recovered++;
        }
        return recovered;
    }

    /// <summary>One turn: the commands in the order they came, then everything due at <paramref name="now"/>.</summary>
    public PartitionDecision Decide(ReadOnlySpan<PartitionCommand> commands, DateTimeOffset now)
    {
        var turn = new Turn(new PartitionDecision(now), State);
        foreach (var command in commands) Handle(command.Command, command.From, turn);
        Schedule(turn);
        return turn.Decision;
    }

    /// <summary>The earliest moment something is due (a retry, a lease, an expiry, a delay DSN), if anything is.</summary>
    public DateTimeOffset? NextDue() => _dispatches.EarliestDue();

    private void Handle(object command, object from, Turn turn)
    {
        switch (command)
        {
            case QueuePartition.AcceptBatch batch:
                HandleAccept(batch, from, turn);
                break;
            case DeliveryReport report:
                HandleReport(report, turn);
                break;
            case DsnEnqueued dsn when State.Messages.ContainsKey(dsn.QueueId):
                _dsnRequested.Remove((dsn.QueueId, dsn.Kind));
                turn.Emit(new DsnQueued(dsn.QueueId, dsn.Kind, dsn.Recipients, dsn.DsnQueueId, turn.Now));
                turn.Touch(dsn.QueueId);
                break;
            case DsnNotEnqueued failed:
                _dsnRequested.Remove((failed.QueueId, failed.Kind));
                _dispatches.DueAt(failed.QueueId, turn.Now + DsnNotQueuedRetry);
                break;
            case DomainReady ready:
                TouchWaiting(ready.Domain, turn);
                break;
            case QueuePartition.RetryNow retry:
                RetryWaiting(retry.QueueId, turn);
                turn.Decision.Reply(from, Describe(retry.QueueId));
                break;
            case QueuePartition.BounceMessage bounce:
                BounceWaiting(bounce, from, turn);
                break;
        }
    }

    private void HandleAccept(QueuePartition.AcceptBatch batch, object intake, Turn turn)
    {
        var accepted = new List<string>(batch.Messages.Count);
        List<string>? late = null;
        foreach (var message in batch.Messages)
        {
            // Past its deadline the client already heard 451 (and its body may be swept): do not queue it.
            if (message.Deadline < turn.Now)
            {
                (late ??= []).Add(message.QueueId);
                continue;
            }
            accepted.Add(message.QueueId);
            if (State.Messages.ContainsKey(message.QueueId)) continue;
            turn.Emit(new MessageAccepted(message.QueueId, message.Envelope, message.Size, turn.Now, turn.Now + _settings.MaxLifetime));
            turn.Touch(message.QueueId);
        }
        if (accepted.Count > 0) turn.Decision.Reply(intake, new QueuePartition.BatchAccepted(accepted));
        if (late is not null) turn.Decision.Reply(intake, new QueuePartition.BatchNotAccepted(late, "accept deadline passed before the queue partition could record it"));
        turn.Decision.RefuseIfNotDurable(intake, accepted);
    }

    /// <summary>Everything due now: touched messages and those whose time came, and those a domain slot opened for.</summary>
    private void Schedule(Turn turn)
    {
        _dispatches.TakeDue(turn.Now, turn);
        while (turn.TryNextTouched(out var queueId))
            if (State.Messages.TryGetValue(queueId, out var message))
                Evaluate(message, turn);
    }

    private void Evaluate(QueuedMessage message, Turn turn)
    {
        var now = turn.Now;
        var expired = now >= message.ExpiresAt;
        _dispatches.StopWaiting(message.QueueId);
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (recipient.Status == RecipientStatus.InFlight && recipient.DueAt <= now)
            {
                // No report within the lease: the delivery actor (or its node) is gone. Try again.
                turn.Decision.LeasesExpired++;
                ReleaseDispatch(recipient.DispatchId, turn);
                if (expired)
                    turn.Emit(new RecipientExpired(message.QueueId, i, now));
                else
                    turn.Emit(new RecipientDeferred(message.QueueId, i, LeaseExpiredReply, null, now, now));
            }
            else if (recipient.IsWaiting && expired)
            {
                turn.Emit(new RecipientExpired(message.QueueId, i, now));
            }
        }
        if (!expired && !_settings.DeliveryPaused) Dispatch(message, turn);
        // Requesting DSNs emits no events: what is owed is the same before and after.
        var owed = OwedKinds(message, now);
        RequestDsns(message, owed, turn);
        var owesDsn = (owed & (DsnKinds.Failure | DsnKinds.Success)) != 0;
        if (AllFinal(message) && !owesDsn)
        {
            turn.Complete(message.QueueId);
            turn.Decision.Completed(message.QueueId);
            return;
        }
        var next = NextDue(message);
        // An owed DSN whose answer never came (lost with a node) is asked for again.
        if (owesDsn && now + DsnAnswerTimeout < next) next = now + DsnAnswerTimeout;
        _dispatches.DueAt(message.QueueId, next);
    }

    private static bool AllFinal(QueuedMessage message)
    {
        foreach (var recipient in message.Recipients)
            if (!recipient.IsFinal) return false;
        return true;
    }

    /// <summary>
    /// When the message needs looking at again. Recipients that cannot be dispatched anyway
    /// (delivery paused, or waiting for a domain slot, which wakes them) do not count: only their expiry does.
    /// </summary>
    private DateTimeOffset NextDue(QueuedMessage message)
    {
        var next = message.ExpiresAt;
        var blocked = _settings.DeliveryPaused || _dispatches.IsWaitingForSlot(message.QueueId);
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (recipient.IsFinal) continue;
            if (recipient.DueAt < next && !(recipient.IsWaiting && blocked)) next = recipient.DueAt;
            if (WantsDelayDsn(message, i) && DelayDsnDue(message) < next) next = DelayDsnDue(message);
        }
        return next;
    }

    /// <summary>When the delay DSN is due; once asked for, not again until its answer is overdue (else each turn would look at it again at once).</summary>
    private DateTimeOffset DelayDsnDue(QueuedMessage message)
    {
        var due = message.AcceptedAt + _settings.DelayDsnAfter;
        return _dsnRequested.TryGetValue((message.QueueId, DsnKind.Delay), out var asked) && asked + DsnAnswerTimeout > due ? asked + DsnAnswerTimeout : due;
    }
}
