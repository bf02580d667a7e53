using ActorMta.Delivery;
using Akka.Actor;
using Akka.Event;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// In-flight work follows the delivery actor: each dispatch is claimed by the domain's delivery
/// actor that holds it, the partition watches that actor, and when it stops or its node is lost
/// its dispatches go out again (same dispatch id, no new attempt) within seconds. The lease stays
/// as the last resort for a transaction that hangs.
/// </summary>
public sealed partial class QueuePartition
{
    /// <summary>Sharding's hand-off (via <see cref="Sharding.PartitionSupervisor"/>): finish the turn under way, then stop.</summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }

    private sealed record ResendDue
    {
        public static readonly ResendDue Instance = new();
    }

    private void Send(DeliveryRequest request)
    {
        _delivery.Tell(request);
        _claims.Sent(request.DispatchId, _clock.GetUtcNow());
    }

    private void ReleaseDispatch(long dispatchId, Turn turn)
    {
        _dispatches.Release(dispatchId, turn);
        _claims.Done(dispatchId);
    }

    private void OnClaimed(DeliveryClaimed claimed)
    {
        foreach (var dispatchId in claimed.DispatchIds)
            if (_claims.Claimed(dispatchId, Sender))
                Context.Watch(Sender);
    }

    private void OnHolderLost(Terminated terminated)
    {
        var lost = _claims.Lost(terminated.ActorRef, _clock.GetUtcNow());
        if (lost == 0) return;
        // A stop after hand-off returned everything it held; what is still here it may have been carrying.
        QueueMetrics.Redispatched.Add(lost);
        _log.Info("Partition {0}: delivery actor {1} is gone ({2}); sending its {3} dispatch(es) again",
            _partition, terminated.ActorRef.Path, terminated.AddressTerminated ? "its node left the cluster" : "it stopped", lost);
        Timers.StartSingleTimer("resend-now", ResendDue.Instance, DeliveryClaims.AfterLoss);
    }

    /// <summary>After recovery nothing is known about who holds what: every in-flight dispatch is sent again.</summary>
    private void ResumeInFlight()
    {
        var recovered = 0;
        foreach (var dispatchId in _dispatches.DispatchIds)
        {
            _claims.Recovered(dispatchId);
            recovered++;
        }
        if (recovered > 0)
        {
            QueueMetrics.Redispatched.Add(recovered);
            _log.Info("Partition {0}: {1} dispatch(es) were in flight when it last stopped; sending them again", _partition, recovered);
        }
        Timers.StartPeriodicTimer("resend", ResendDue.Instance, TimeSpan.FromSeconds(1));
    }

    private void ResendUnclaimed()
    {
        if (_claims.Unclaimed == 0 || _settings.DeliveryPaused) return;
        foreach (var dispatchId in _claims.DueForResend(_clock.GetUtcNow()))
        {
            var inFlight = _dispatches.TryGetDispatch(dispatchId, out var queueId, out var domain) && _state.Messages.TryGetValue(queueId, out var message)
                ? Enumerable.Range(0, message.Recipients.Length)
                    .Where(i => message.Recipients[i].Status == RecipientStatus.InFlight && message.Recipients[i].DispatchId == dispatchId).ToArray()
                : [];
            if (inFlight.Length == 0)
            {
                // Answered or given up on meanwhile.
                _claims.Done(dispatchId);
                continue;
            }
            _delivery.Tell(RequestFor(_state.Messages[queueId], domain, dispatchId, inFlight, redispatch: true));
        }
    }

    /// <summary>A domain is ready again: every message with recipients waiting for it until later is due now.</summary>
    private void TouchWaiting(string domain, Turn turn)
    {
        foreach (var message in _state.Messages.Values)
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
        if (!_state.Messages.TryGetValue(queueId, out var message)) return;
        var domains = message.Recipients.Select((recipient, i) => (recipient, i))
            .Where(r => r.recipient.IsWaiting && r.recipient.DueAt > turn.Now)
            .Select(r => message.Envelope.Recipients[r.i].Domain).Distinct().ToArray();
        foreach (var domain in domains) turn.Emit(new RecipientsDue(queueId, domain, turn.Now));
        if (domains.Length > 0) turn.Touch(queueId);
    }

    private void StopIfIdle()
    {
        if (!_turnScheduled && _persisting is null) Context.Stop(Self);
    }
}
