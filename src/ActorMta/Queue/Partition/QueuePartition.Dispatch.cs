using ActorMta.Delivery;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>Handing due recipients to their domains' delivery actors (one request per message and domain) and taking their reports.</summary>
public sealed partial class QueuePartition
{
    private void Dispatch(QueuedMessage message, Turn turn)
    {
        var due = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (!recipient.IsWaiting || recipient.DueAt > turn.Now) continue;
            var domain = message.Envelope.Recipients[i].Domain;
            if (!due.TryGetValue(domain, out var indexes)) due[domain] = indexes = [];
            indexes.Add(i);
        }
        foreach (var (domain, indexes) in due)
        {
            if (_dispatches.InFlight(domain) >= _settings.MaxInFlightPerDomain)
            {
                _dispatches.WaitForSlot(domain, message.QueueId);
                continue;
            }
            var dispatchId = _state.LastDispatchId + 1;
            turn.Emit(new AttemptStarted(message.QueueId, dispatchId, indexes, turn.Now));
            _dispatches.Dispatched(dispatchId, message.QueueId, domain);
            var request = RequestFor(message, domain, dispatchId, indexes, redispatch: false);
            turn.AfterCommit(() => Send(request));
        }
    }

    private DeliveryRequest RequestFor(QueuedMessage message, string domain, long dispatchId, IEnumerable<int> indexes, bool redispatch) =>
        new(domain, _partition, message.QueueId, dispatchId, message.Envelope.ReversePath,
            indexes.Select(i => ToDeliveryRecipient(message, i)).ToArray(),
            message.Envelope.BodyType, message.Envelope.SmtpUtf8, message.Size, message.AcceptedAt, message.ExpiresAt,
            message.Envelope.Ret, message.Envelope.EnvelopeId, redispatch);

    private static DeliveryRecipient ToDeliveryRecipient(QueuedMessage message, int index)
    {
        var recipient = message.Envelope.Recipients[index];
        return new DeliveryRecipient(index, recipient.Address, recipient.Notify, recipient.OriginalRecipient, message.Recipients[index].Attempts);
    }

    private void HandleReport(DeliveryReport report, Turn turn)
    {
        if (!_state.Messages.TryGetValue(report.QueueId, out var message))
        {
            if (!report.Repeat && report.Results.Any(r => r.Outcome == DeliveryOutcome.Delivered)) QueueMetrics.LateReports.Add(1);
            return;
        }
        if (report.Results.All(r => r.Outcome == DeliveryOutcome.Returned))
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
                if (result.Outcome == DeliveryOutcome.Delivered && !report.Repeat) QueueMetrics.LateReports.Add(1);
                continue;
            }
            switch (result.Outcome)
            {
                case DeliveryOutcome.Delivered:
                    turn.Emit(new RecipientDelivered(report.QueueId, result.Index, result.Reply, result.RemoteHost, turn.Now));
                    var inQueue = turn.Now - message.AcceptedAt;
                    turn.AfterCommit(() => QueueMetrics.Delivered(inQueue));
                    break;
                case DeliveryOutcome.Failed:
                    turn.Emit(new RecipientFailed(report.QueueId, result.Index, result.Reply, result.RemoteHost, turn.Now));
                    break;
                default:
                    var retryAt = turn.Now + _settings.Retry.After(recipient.Attempts, _random);
                    if (result.RetryNotBefore is { } notBefore && notBefore > retryAt) retryAt = notBefore;
                    if (retryAt > message.ExpiresAt) retryAt = message.ExpiresAt;
                    turn.Emit(new RecipientDeferred(report.QueueId, result.Index, result.Reply, result.RemoteHost, retryAt, turn.Now));
                    break;
            }
        }
        turn.Touch(report.QueueId);
    }
}
