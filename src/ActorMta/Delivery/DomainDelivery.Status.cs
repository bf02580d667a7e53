using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Limits;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

public sealed partial class DomainDelivery
{
    /// <summary>The last reply a request was answered with (the remote server's, or ours: suspended, bounced, busy).</summary>
    private (RemoteReply Reply, DateTimeOffset At)? _lastReply;

    private DomainStatus Status()
    {
        var now = Now;
        var limits = CurrentLimits(now);
        var state = _backoff.IsBounced(now) ? "bouncing"
            : _backoff.IsSuspended(now) ? "suspended"
            : _backoff.FactorAt(now) < 1 ? "throttled"
            : _backlog.Count > 0 || _pool.Count > 0 ? "active"
            : "idle";
        return new DomainStatus(
            _domain,
            ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(),
            _policy.Route.Kind,
            state,
            _backoff.SuspendedUntil,
            _backoff.SuspendReason,
            _backoff.ThrottledUntil,
            _backoff.ThrottleReason,
            new LimitsView(limits.MaxConnections, limits.MaxMessagesPerSecond, limits.MaxNewConnectionsPerSecond, limits.MaxMessagesPerConnection, limits.IdleTimeout, _backoff.FactorAt(now)),
            _backlog.Count,
            _pool.All.Count(c => c.State == ConnectionState.Busy),
            [.. _pool.All.Select(c => new ConnectionView(c.Source.Source.Name, c.Host, c.Address, c.Tls, c.State.ToString().ToLowerInvariant(), c.Transactions, c.OpenedAt))],
            _delivered,
            _deferred,
            _failed,
            _backoff.RecentChanges,
            _backoff.IsSuspended(now) ? _backoff.SuspendCause : null,
            _backoff.IsBounced(now) ? _backoff.BouncedUntil : null,
            _backoff.IsBounced(now) ? _backoff.BounceReason : null,
            _adminBounced,
            LimitSources.Of(_policy, _backoff.FactorAt(now), _backoff.ThrottleReason),
            _lastReply?.Reply.ToString(),
            _lastReply?.At);
    }
}
