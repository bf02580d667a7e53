using ActorMta.Bounces;
using ActorMta.Smtp;
using Akka.Actor;

namespace ActorMta.Queue.Partition;

/// <summary>Which DSNs a message owes (RFC 3461 NOTIFY), and asking the bounce stage for them.</summary>
public sealed partial class QueuePartition
{
    private void RequestDsns(QueuedMessage message, Turn turn)
    {
        // Most messages owe nothing: decide that without allocating.
        if (message.Envelope.HasNullReversePath || !MayOweDsn(message, turn.Now)) return;
        // Failures of one attempt round go out together: wait until nothing is in flight.
        if (!message.Recipients.Any(r => r.Status == RecipientStatus.InFlight))
            RequestDsn(message, DsnKind.Failure, OwedFailure(message), turn);
        RequestDsn(message, DsnKind.Success, OwedSuccess(message), turn);
        if (turn.Now >= message.AcceptedAt + _settings.DelayDsnAfter)
            RequestDsn(message, DsnKind.Delay, Enumerable.Range(0, message.Recipients.Length).Where(i => !message.Recipients[i].IsFinal && WantsDelayDsn(message, i)), turn);
    }

    private void RequestDsn(QueuedMessage message, DsnKind kind, IEnumerable<int> indexes, Turn turn)
    {
        if (_dsnRequested.TryGetValue((message.QueueId, kind), out var asked) && turn.Now - asked < DsnAnswerTimeout) return;
        var recipients = indexes.Select(i => ToDsnRecipient(message, i, turn.Now)).ToArray();
        if (recipients.Length == 0) return;
        _dsnRequested[(message.QueueId, kind)] = turn.Now;
        var request = new DsnRequest(_partition, message.QueueId, kind, message.Envelope, message.Size, message.AcceptedAt, recipients);
        turn.AfterCommit(() => _bounces.Tell(request));
    }

    private static DsnRecipient ToDsnRecipient(QueuedMessage message, int index, DateTimeOffset now)
    {
        var state = message.Recipients[index];
        return new DsnRecipient(index, message.Envelope.Recipients[index], state.Status, state.LastReply, state.LastRemoteHost, state.Attempts, state.FinalAt ?? now);
    }

    private bool MayOweDsn(QueuedMessage message, DateTimeOffset now)
    {
        var delayDue = now >= message.AcceptedAt + _settings.DelayDsnAfter;
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var status = message.Recipients[i].Status;
            if (status is RecipientStatus.Failed or RecipientStatus.Expired or RecipientStatus.Delivered) return true;
            if (delayDue && message.Envelope.Recipients[i].Notify.HasFlag(DsnNotify.Delay)) return true;
        }
        return false;
    }

    private static bool OwesDsn(QueuedMessage message) =>
        !message.Envelope.HasNullReversePath && (OwedFailure(message).Any() || OwedSuccess(message).Any());

    private static IEnumerable<int> OwedFailure(QueuedMessage message) =>
        Enumerable.Range(0, message.Recipients.Length).Where(i =>
            message.Recipients[i].Status is RecipientStatus.Failed or RecipientStatus.Expired
            && WantsFailureDsn(message.Envelope.Recipients[i].Notify)
            && !message.Recipients[i].DsnQueued.HasFlag(DsnKinds.Failure));

    private static IEnumerable<int> OwedSuccess(QueuedMessage message) =>
        Enumerable.Range(0, message.Recipients.Length).Where(i =>
            message.Recipients[i].Status == RecipientStatus.Delivered
            && message.Envelope.Recipients[i].Notify.HasFlag(DsnNotify.Success)
            && !message.Recipients[i].DsnQueued.HasFlag(DsnKinds.Success));

    /// <summary>Failure DSNs unless NOTIFY excludes them: not given (the default), or naming FAILURE.</summary>
    private static bool WantsFailureDsn(DsnNotify notify) =>
        notify == DsnNotify.Unspecified || notify.HasFlag(DsnNotify.Failure);

    /// <summary>Delay DSNs only when NOTIFY asks for them, once per recipient.</summary>
    private static bool WantsDelayDsn(QueuedMessage message, int index) =>
        !message.Envelope.HasNullReversePath
        && message.Envelope.Recipients[index].Notify.HasFlag(DsnNotify.Delay)
        && !message.Recipients[index].DsnQueued.HasFlag(DsnKinds.Delay);
}
