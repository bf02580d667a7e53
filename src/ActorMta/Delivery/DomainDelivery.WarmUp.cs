using ActorMta.Delivery.Connections;
using Akka.Event;

namespace ActorMta.Delivery;

public sealed partial class DomainDelivery
{
    /// <summary>The day the domain's mail of each pool last found every source of that pool at the warm-up cap (logged once a day).</summary>
    private readonly Dictionary<string, DateTimeOffset> _cappedUntil = new(StringComparer.Ordinal);

    /// <summary>Every source of a pool has sent today's warm-up cap to the domain's provider: that pool's waiting mail waits for tomorrow.</summary>
    private void WaitForWarmUp(ConnectionPool<Akka.Actor.IActorRef>.WarmUpCapped capped)
    {
        if (!_cappedUntil.TryGetValue(capped.Pool, out var until) || until != capped.Until)
        {
            _cappedUntil[capped.Pool] = capped.Until;
            _log.Warning("Domain {0}: {1}; deferring {2} waiting message(s)", _domain, capped.Reply, _backlog.ByPool.GetValueOrDefault(capped.Pool));
        }
        DeferWaiting(capped.Pool, capped.Reply, capped.Until);
    }
}
