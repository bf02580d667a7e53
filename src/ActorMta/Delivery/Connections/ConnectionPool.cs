using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// A domain's connections, per egress source, and the pool's two decisions: which idle connection takes
/// the next waiting request (as its source's message rate allows), and from which source to open the next
/// connection (fewest connections first, rotating among equals, within each source's connection limit
/// and new-connection rate). Plain data and a connection factory, so it is tested without actors
/// (<c>ConnectionPoolTests</c>); the delivery actor keeps the backlog, the messages and the timers.
/// </summary>
/// <typeparam name="TConnection">What a connection is to its owner: the child actor for the delivery actor.</typeparam>
internal sealed class ConnectionPool<TConnection>(IReadOnlyList<EgressSource> sources, Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> open)
    where TConnection : notnull
{
    /// <summary>What stopped <see cref="OpenFor"/>: nothing (all wanted are opening), the route (resolve it, then call again), or limits until <see cref="Wake"/>.</summary>
    public readonly record struct Opening(int Opened, bool NeedsRoute, DateTimeOffset? Wake);

    private readonly Dictionary<TConnection, ConnectionSlot<TConnection>> _connections = [];
    private readonly SourceSlot[] _sources = [.. sources.Select(s => new SourceSlot(s))];
    private int _rotation;

    public int Count => _connections.Count;

    public IEnumerable<ConnectionSlot<TConnection>> All => _connections.Values;

    /// <summary>Connections that can still carry work (a closing one cannot).</summary>
    public int Live => _connections.Values.Count(c => c.State != ConnectionState.Closing);

    /// <summary>Connections being opened: each will take one waiting request.</summary>
    public int OpeningCount => _connections.Values.Count(c => c.State == ConnectionState.Opening);

    public bool AnyBusy => _connections.Values.Any(c => c.State == ConnectionState.Busy);

    public bool TryGet(TConnection connection, out ConnectionSlot<TConnection> slot) => _connections.TryGetValue(connection, out slot!);

    /// <summary>The connection has stopped: it no longer counts against its source.</summary>
    public ConnectionSlot<TConnection>? Remove(TConnection connection)
    {
        if (!_connections.Remove(connection, out var slot)) return null;
        slot.Source.Connections--;
        return slot;
    }

    /// <summary>
    /// Hands requests from <paramref name="nextWaiting"/> to idle connections whose source's message rate allows
    /// one now; each goes to <paramref name="send"/> and its connection is busy from then on.
    /// </summary>
    /// <returns>When a rate allows the next one, if a rate is what held an idle connection back.</returns>
    public DateTimeOffset? Assign(DateTimeOffset now, DomainLimits limits, Func<bool> anyWaiting, Func<DeliveryRequest?> nextWaiting, Action<ConnectionSlot<TConnection>, DeliveryRequest> send)
    {
        DateTimeOffset? wake = null;
        foreach (var connection in _connections.Values)
        {
            if (!anyWaiting()) break;
            if (connection.State != ConnectionState.Idle) continue;
            if (!connection.Source.Messages.Allows(now, limits.MaxMessagesPerSecond, out var allowedAt))
            {
                wake = RateLimiter.Earliest(wake, allowedAt);
                continue;
            }
            if (nextWaiting() is not { } request) break;
            connection.Source.Messages.TryTake(now, limits.MaxMessagesPerSecond, out _);
            connection.State = ConnectionState.Busy;
            connection.Carrying = request;
            send(connection, request);
        }
        return wake;
    }

    /// <summary>
    /// Opens connections for <paramref name="waiting"/> requests that no opening connection will take. Without
    /// <paramref name="hops"/> it opens none and says whether one could be opened once the route is known.
    /// </summary>
    public Opening OpenFor(int waiting, DateTimeOffset now, DomainLimits limits, IReadOnlyList<NextHop>? hops)
    {
        var wanted = waiting - _connections.Values.Count(c => c.State == ConnectionState.Opening);
        var opened = 0;
        DateTimeOffset? wake = null;
        while (wanted > 0)
        {
            SourceSlot? chosen = null;
            for (var i = 0; i < _sources.Length; i++)
            {
                var slot = _sources[(_rotation + i) % _sources.Length];
                if (slot.Connections >= limits.MaxConnections) continue;
                if (!slot.NewConnections.Allows(now, limits.MaxNewConnectionsPerSecond, out var allowedAt))
                {
                    wake = RateLimiter.Earliest(wake, allowedAt);
                    continue;
                }
                if (chosen is null || slot.Connections < chosen.Connections) chosen = slot;
            }
            if (chosen is null) break;
            if (hops is null) return new Opening(opened, NeedsRoute: true, wake);
            chosen.NewConnections.TryTake(now, limits.MaxNewConnectionsPerSecond, out _);
            Add(chosen, hops, now);
            _rotation++;
            opened++;
            wanted--;
        }
        return new Opening(opened, NeedsRoute: false, wake);
    }

    /// <summary>One connection from the first source, whatever the limits: the probe of a suspended domain.</summary>
    public ConnectionSlot<TConnection> OpenProbe(IReadOnlyList<NextHop> hops, DateTimeOffset now) => Add(_sources[0], hops, now);

    /// <summary>Idle connections that have waited <paramref name="idleTimeout"/> for work.</summary>
    public IReadOnlyList<ConnectionSlot<TConnection>> IdleFor(DateTimeOffset now, TimeSpan idleTimeout) =>
        [.. _connections.Values.Where(c => c.State == ConnectionState.Idle && now - c.IdleSince >= idleTimeout)];

    private ConnectionSlot<TConnection> Add(SourceSlot source, IReadOnlyList<NextHop> hops, DateTimeOffset now)
    {
        var connection = open(source, hops);
        var slot = new ConnectionSlot<TConnection>(connection, source, now);
        _connections[connection] = slot;
        source.Connections++;
        return slot;
    }
}
