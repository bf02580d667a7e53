using ActorMta.Contracts;
using ActorMta.Smtp;

namespace ActorMta.Queue.Partition;

/// <summary>Which DSNs a message owes (RFC 3461 NOTIFY), and asking the bounce stage for them.</summary>
public sealed partial class PartitionDecider
{
    /// <param name="owed">What <see cref="OwedKinds"/> found for the message in this turn.</param>
    private void RequestDsns(QueuedMessage message, DsnKinds owed, Turn turn)
    {
        if (owed == DsnKinds.None) return;
        // Failures of one attempt round go out together: wait until nothing is in flight.
        if (owed.HasFlag(DsnKinds.Failure) && !AnyInFlight(message))
            RequestDsn(message, DsnKind.Failure, static (m, i) => IsOwedFailure(m, i), turn);
        if (owed.HasFlag(DsnKinds.Success))
            RequestDsn(message, DsnKind.Success, static (m, i) => IsOwedSuccess(m, i), turn);
        if (owed.HasFlag(DsnKinds.Delay))
            RequestDsn(message, DsnKind.Delay, static (m, i) => IsOwedDelay(m, i), turn);
    }

    private void RequestDsn(QueuedMessage message, DsnKind kind, Func<QueuedMessage, int, bool> owes, Turn turn)
    {
        if (_dsnRequested.TryGetValue((message.QueueId, kind), out var asked) && turn.Now - asked < DsnAnswerTimeout) return;
        var recipients = new List<DsnRecipient>();
        for (var i = 0; i < message.Recipients.Length; i++)
            if (owes(message, i)) recipients.Add(ToDsnRecipient(message, i, turn.Now));
        if (recipients.Count == 0) return;
        _dsnRequested[(message.QueueId, kind)] = turn.Now;
        turn.Decision.AskDsn(new DsnRequest(_partition, message.QueueId, kind, message.Envelope, message.Size, message.AcceptedAt, [.. recipients]));
    }

    private static bool AnyInFlight(QueuedMessage message)
    {
        foreach (var recipient in message.Recipients)
            if (recipient.Status == RecipientStatus.InFlight) return true;
        return false;
    }

    private static DsnRecipient ToDsnRecipient(QueuedMessage message, int index, DateTimeOffset now)
    {
        var state = message.Recipients[index];
        return new DsnRecipient(index, message.Envelope.Recipients[index], state.Status, state.LastReply, state.LastRemoteHost, state.Attempts, state.FinalAt ?? now);
    }

    /// <summary>
    /// The DSN kinds the message owes now, in one pass that allocates nothing: most messages owe
    /// none, and this runs for every message a turn looks at.
    /// </summary>
    private DsnKinds OwedKinds(QueuedMessage message, DateTimeOffset now)
    {
        if (message.Envelope.HasNullReversePath) return DsnKinds.None;
        var delayDue = now >= message.AcceptedAt + _settings.DelayDsnAfter;
        var owed = DsnKinds.None;
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            if (IsOwedFailure(message, i)) owed |= DsnKinds.Failure;
            if (IsOwedSuccess(message, i)) owed |= DsnKinds.Success;
            if (delayDue && IsOwedDelay(message, i)) owed |= DsnKinds.Delay;
        }
        return owed;
    }

    private static bool IsOwedFailure(QueuedMessage message, int i) =>
        message.Recipients[i].Status is RecipientStatus.Failed or RecipientStatus.Expired
        && WantsFailureDsn(message.Envelope.Recipients[i].Notify)
        && !message.Recipients[i].DsnQueued.HasFlag(DsnKinds.Failure);

    private static bool IsOwedSuccess(QueuedMessage message, int i) =>
        message.Recipients[i].Status == RecipientStatus.Delivered
        && message.Envelope.Recipients[i].Notify.HasFlag(DsnNotify.Success)
        && !message.Recipients[i].DsnQueued.HasFlag(DsnKinds.Success);

    /// <summary>Once the delay has passed (the caller checks): a recipient still not final that asked for DELAY.</summary>
    private static bool IsOwedDelay(QueuedMessage message, int i) => !message.Recipients[i].IsFinal && WantsDelayDsn(message, i);

    /// <summary>Failure DSNs unless NOTIFY excludes them: not given (the default), or naming FAILURE.</summary>
    private static bool WantsFailureDsn(DsnNotify notify) =>
        notify == DsnNotify.Unspecified || notify.HasFlag(DsnNotify.Failure);

    /// <summary>Delay DSNs only when NOTIFY asks for them, once per recipient.</summary>
    private static bool WantsDelayDsn(QueuedMessage message, int index) =>
        !message.Envelope.HasNullReversePath
        && message.Envelope.Recipients[index].Notify.HasFlag(DsnNotify.Delay)
        && !message.Recipients[index].DsnQueued.HasFlag(DsnKinds.Delay);
}
