using ActorMta.Delivery.Connections;
using Akka.Event;

namespace ActorMta.Delivery;

public sealed partial class DomainDelivery
{
    /// <summary>The day the domain's mail last found every source of its pool at the warm-up cap (logged once a day).</summary>
    private DateTimeOffset? _cappedUntil;

    /// <summary>Every source of the pool has sent today's warm-up cap to the domain's provider: the waiting mail waits for tomorrow.</summary>
    private void WaitForWarmUp(ConnectionPool<Akka.Actor.IActorRef>.WarmUpCapped capped)
    {
        if (_cappedUntil != capped.Until)
        {
            _cappedUntil = capped.Until;
            _log.Warning("Domain {0}: {1}; deferring {2} waiting message(s)", _domain, capped.Reply, _backlog.Count);
        }
        DeferWaiting(capped.Reply, capped.Until);
    }
}
