using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>Handing due recipients to their domains' delivery actors (one request per message and domain) and taking their reports.</summary>
public sealed partial class PartitionDecider
{
    private void Dispatch(QueuedMessage message, Turn turn)
    {
        var due = _dueByDomain;
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (!recipient.IsWaiting || recipient.DueAt > turn.Now) continue;
            var domain = message.Envelope.Recipients[i].Domain;
            if (!due.TryGetValue(domain, out var indexes)) due[domain] = indexes = [];
            indexes.Add(i);
        }
        if (due.Count == 0) return;
        foreach (var (domain, indexes) in due)
        {
            if (_dispatches.InFlight(domain) >= _settings.MaxInFlightPerDomain)
            {
                _dispatches.WaitForSlot(domain, message.QueueId);
                continue;
            }
            var dispatchId = State.LastDispatchId + 1;
            turn.Emit(new AttemptStarted(message.QueueId, dispatchId, indexes, turn.Now));
            _dispatches.Dispatched(dispatchId, message.QueueId, domain);
            turn.Decision.Deliver(RequestFor(message, domain, dispatchId, indexes, redispatch: false));
        }
        // The index lists went into the events; only the dictionary is kept for the next message.
        due.Clear();
    }

    private DeliveryRequest RequestFor(QueuedMessage message, string domain, long dispatchId, IReadOnlyList<int> indexes, bool redispatch)
    {
        var recipients = new DeliveryRecipient[indexes.Count];
        for (var i = 0; i < recipients.Length; i++) recipients[i] = ToDeliveryRecipient(message, indexes[i]);
        return new(domain, _partition, message.QueueId, dispatchId, message.Envelope.ReversePath, recipients,
            message.Envelope.BodyType, message.Envelope.SmtpUtf8, message.Size, message.AcceptedAt, message.ExpiresAt,
            message.Envelope.Ret, message.Envelope.EnvelopeId, redispatch, message.Envelope.Pool);
    }

    private static DeliveryRecipient ToDeliveryRecipient(QueuedMessage message, int index)
    {
        var recipient = message.Envelope.Recipients[index];
        return new DeliveryRecipient(index, recipient.Address, recipient.Notify, recipient.OriginalRecipient, message.Recipients[index].Attempts);
    }

    private void HandleReport(DeliveryReport report, Turn turn)
    {
        if (!State.Messages.TryGetValue(report.QueueId, out var message))
        {
            if (!report.Repeat && AnyDelivered(report)) turn.Decision.LateReports++;
            return;
        }
        if (AllReturned(report))
        {
            // Never attempted: the same dispatch goes out again, to wherever the domain's actor runs next.
            _claims.Returned(report.DispatchId, turn.Now);
            return;
        }
        ReleaseDispatch(report.DispatchId, turn);
        foreach (var result in report.Results)
        {
            if ((uint)result.Index >= (uint)message.Recipients.Length) continue;
            var recipient = message.Recipients[result.Index];
            if (recipient.Status != RecipientStatus.InFlight || recipient.DispatchId != report.DispatchId)
            {
                // A report for an attempt the partition already gave up on (lease ran out): the retry may deliver twice.
                // A repeat of a report already handled is not a second delivery.
                if (result.Outcome == DeliveryOutcome.Delivered && !report.Repeat) turn.Decision.LateReports++;
                continue;
            }
            switch (result.Outcome)
            {
                case DeliveryOutcome.Delivered:
                    turn.Emit(new RecipientDelivered(report.QueueId, result.Index, result.Reply, result.RemoteHost, turn.Now));
                    turn.Decision.Delivered(turn.Now - message.AcceptedAt);
                    break;
                case DeliveryOutcome.Failed:
                    turn.Emit(new RecipientFailed(report.QueueId, result.Index, result.Reply, result.RemoteHost, turn.Now));
                    break;
                default:
                    turn.Emit(new RecipientDeferred(report.QueueId, result.Index, result.Reply, result.RemoteHost, RetryAt(message, recipient, result, turn.Now), turn.Now));
                    break;
            }
        }
        turn.Touch(report.QueueId);
    }

    /// <summary>The schedule's next slot (with jitter), no earlier than the domain allows, no later than the message's expiry.</summary>
    private DateTimeOffset RetryAt(QueuedMessage message, RecipientState recipient, RecipientResult result, DateTimeOffset now)
    {
        var retryAt = now + _settings.Retry.After(recipient.Attempts, _random);
        if (result.RetryNotBefore is { } notBefore && notBefore > retryAt) retryAt = notBefore;
        return retryAt > message.ExpiresAt ? message.ExpiresAt : retryAt;
    }

    private static bool AnyDelivered(DeliveryReport report)
    {
        foreach (var result in report.Results)
            if (result.Outcome == DeliveryOutcome.Delivered) return true;
        return false;
    }

    private static bool AllReturned(DeliveryReport report)
    {
        foreach (var result in report.Results)
            if (result.Outcome != DeliveryOutcome.Returned) return false;
        return true;
    }

    private void ReleaseDispatch(long dispatchId, Turn turn)
    {
        _dispatches.Release(dispatchId, turn);
        _claims.Done(dispatchId);
    }
}
