using Akka.Actor;
using Akka.Event;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// In-flight work follows the delivery actor: each dispatch is claimed by the domain's delivery
/// actor that holds it, the partition watches that actor, and when it stops or its node is lost
/// its dispatches go out again (same dispatch id, no new attempt) within seconds. Which ones, and
/// when, the decider says; this part watches and sends.
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

    private void ReceiveClaims()
    {
        Command<DeliveryClaimed>(claimed =>
        {
            if (_decider.Claimed(claimed.DispatchIds, Sender)) Context.Watch(Sender);
        });
        Command<Terminated>(OnHolderLost);
        Command<ResendDue>(_ =>
        {
            foreach (var request in _decider.ResendDue(_clock.GetUtcNow())) _delivery.Tell(request);
        });
        Command<Stop>(_ =>
        {
            _stopping = true;
            StopIfIdle();
        });
    }

    private void OnHolderLost(Terminated terminated)
    {
        var lost = _decider.HolderLost(terminated.ActorRef, _clock.GetUtcNow());
        if (lost == 0) return;
        // A stop after hand-off returned everything it held; what is still here it may have been carrying.
        QueueMetrics.Redispatched.Add(lost);
        _log.Info("Partition {0}: delivery actor {1} is gone ({2}); sending its {3} dispatch(es) again",
            _partition, terminated.ActorRef.Path, terminated.AddressTerminated ? "its node left the cluster" : "it stopped", lost);
        Timers.StartSingleTimer("resend-now", ResendDue.Instance, DeliveryClaims.AfterLoss);
    }

    /// <summary>After recovery nothing is known about who holds what: every in-flight dispatch is sent again.</summary>
    private void ResumeInFlight(int recovered)
    {
        if (recovered > 0)
        {
            QueueMetrics.Redispatched.Add(recovered);
            _log.Info("Partition {0}: {1} dispatch(es) were in flight when it last stopped; sending them again", _partition, recovered);
        }
        Timers.StartPeriodicTimer("resend", ResendDue.Instance, TimeSpan.FromSeconds(1));
    }

    private void StopIfIdle()
    {
        if (!_turnScheduled && _persisting is null) Context.Stop(Self);
    }
}
