using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// In-flight work follows the delivery actor: each dispatch is claimed by the domain's delivery
/// actor that holds it, and when that holder is lost its dispatches go out again (same dispatch id,
/// no new attempt) within seconds. The lease stays as the last resort for a transaction that hangs.
/// An operator's or a domain's "ready again" makes waiting recipients due now.
/// </summary>
public sealed partial class PartitionDecider
{
    /// <summary>The turn's new dispatches went out at <paramref name="now"/>: each waits for its claim from then.</summary>
    public void Sent(PartitionDecision decision, DateTimeOffset now)
    {
        foreach (var request in decision.Deliveries) _claims.Sent(request.DispatchId, now);
    }

    /// <summary>A delivery actor holds these dispatches; true when it is a new holder (the caller watches it).</summary>
    public bool Claimed(IReadOnlyList<long> dispatchIds, object holder)
    {
        var watch = false;
        foreach (var dispatchId in dispatchIds)
            if (_claims.Claimed(dispatchId, holder)) watch = true;
        return watch;
    }

    /// <summary>The holder stopped or its node is gone: what it held goes out again shortly. Returns how many.</summary>
    public int HolderLost(object holder, DateTimeOffset now) => _claims.Lost(holder, now);

    /// <summary>Dispatches that nobody claimed in time (or whose holder was lost), sent again as they were.</summary>
    public IReadOnlyList<DeliveryRequest> ResendDue(DateTimeOffset now)
    {
        if (_claims.Unclaimed == 0 || _settings.DeliveryPaused) return [];
        List<DeliveryRequest>? resend = null;
        foreach (var dispatchId in _claims.DueForResend(now))
        {
            if (!_dispatches.TryGetDispatch(dispatchId, out var queueId, out var domain) || !State.Messages.TryGetValue(queueId, out var message)
                || InFlightFor(message, dispatchId) is not { Count: > 0 } inFlight)
            {
                // Answered or given up on meanwhile.
                _claims.Done(dispatchId);
                continue;
            }
            (resend ??= []).Add(RequestFor(message, domain, dispatchId, inFlight, redispatch: true));
        }
        return resend ?? (IReadOnlyList<DeliveryRequest>)[];
    }

    private static List<int>? InFlightFor(QueuedMessage message, long dispatchId)
    {
        List<int>? inFlight = null;
        for (var i = 0; i < message.Recipients.Length; i++)
            if (message.Recipients[i].Status == RecipientStatus.InFlight && message.Recipients[i].DispatchId == dispatchId)
                (inFlight ??= []).Add(i);
        return inFlight;
    }

    /// <summary>A domain is ready again: every message with recipients waiting for it until later is due now.</summary>
    private void TouchWaiting(string domain, Turn turn)
    {
        foreach (var message in State.Messages.Values)
            for (var i = 0; i < message.Recipients.Length; i++)
            {
                var recipient = message.Recipients[i];
                if (!recipient.IsWaiting || recipient.DueAt <= turn.Now || message.Envelope.Recipients[i].Domain != domain) continue;
                turn.Emit(new RecipientsDue(message.QueueId, domain, turn.Now));
                turn.Touch(message.QueueId);
                break;
            }
    }

    /// <summary>An operator's "try now" for one message: each domain it waits for is due now.</summary>
    private void RetryWaiting(string queueId, Turn turn)
    {
        if (!State.Messages.TryGetValue(queueId, out var message)) return;
        var domains = message.Recipients.Select((recipient, i) => (recipient, i))
            .Where(r => r.recipient.IsWaiting && r.recipient.DueAt > turn.Now)
            .Select(r => message.Envelope.Recipients[r.i].Domain).Distinct().ToArray();
        foreach (var domain in domains) turn.Emit(new RecipientsDue(queueId, domain, turn.Now));
        if (domains.Length > 0) turn.Touch(queueId);
    }
}
