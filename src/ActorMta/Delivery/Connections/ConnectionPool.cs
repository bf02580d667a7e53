using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// A domain's connections, per egress source of its pool, and the pool's two decisions: which idle connection takes
/// the next waiting request (as its source's message rate and warm-up cap allow), and from which source to open the
/// next connection (fewest connections for its weight first, then by smooth weighted rotation, within each source's
/// connection limit, new-connection rate and warm-up cap: a capped source's share overflows to the others). Plain
/// data and a connection factory, so it is tested without actors (<c>ConnectionPoolTests</c>, <c>WarmUpPoolTests</c>);
/// the delivery actor keeps the backlog, the messages and the timers.
/// </summary>
/// <typeparam name="TConnection">What a connection is to its owner: the child actor for the delivery actor.</typeparam>
internal sealed class ConnectionPool<TConnection>(EgressPool pool, WarmUp? warmUp, Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> open)
    where TConnection : notnull
{
    /// <summary>What stopped <see cref="OpenFor"/>: nothing (all wanted are opening), the route (resolve it, then call again),
    /// limits until <see cref="Wake"/>, or every source's warm-up cap (<see cref="Capped"/>: the waiting work waits for tomorrow).</summary>
    public readonly record struct Opening(int Opened, bool NeedsRoute, DateTimeOffset? Wake, WarmUpCapped? Capped = null);

    /// <summary>Every source of the pool has sent today's cap to the provider group: nothing goes there until <paramref name="Until"/>.</summary>
    public sealed record WarmUpCapped(RemoteReply Reply, DateTimeOffset Until);

    public ConnectionPool(IReadOnlyList<EgressSource> sources, Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> open)
        : this(EgressPool.Unweighted(sources), null, open) { }

    private readonly Dictionary<TConnection, ConnectionSlot<TConnection>> _connections = [];
    private readonly SourceSlot[] _sources = [.. pool.Sources.Select(s => new SourceSlot(s.Source, s.Weight))];
    private readonly int _totalWeight = pool.Sources.Sum(s => s.Weight);
    private int _rotation;

    /// <summary>The warm-up provider group of the domain's route (from its MX host names), once a route was given.</summary>
    public string? ProviderGroup { get; private set; }

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
            // Counted before it goes (the cap is shared with every domain of the provider group), given back if nothing does.
            if (!TakeWarmUp(connection.Source)) continue;
            if (nextWaiting() is not { } request)
            {
                ReleaseWarmUp(connection.Source);
                break;
            }
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
        if (hops is not null && warmUp is not null) ProviderGroup = warmUp.GroupOf(hops.Select(h => h.Host));
        var wanted = waiting - _connections.Values.Count(c => c.State == ConnectionState.Opening);
        var opened = 0;
        DateTimeOffset? wake = null;
        while (wanted > 0)
        {
            SourceSlot? chosen = null;
            var capped = 0;
            for (var i = 0; i < _sources.Length; i++)
            {
                var slot = _sources[(_rotation + i) % _sources.Length];
                if (IsCapped(slot))
                {
                    capped++;
                    continue;
                }
                if (slot.Connections >= limits.MaxConnections) continue;
                if (!slot.NewConnections.Allows(now, limits.MaxNewConnectionsPerSecond, out var allowedAt))
                {
                    wake = RateLimiter.Earliest(wake, allowedAt);
                    continue;
                }
                if (chosen is null || Before(slot, chosen)) chosen = slot;
            }
            if (capped == _sources.Length && opened == 0) return new Opening(0, false, null, Capped());
            if (chosen is null) break;
            if (hops is null) return new Opening(opened, NeedsRoute: true, wake);
            chosen.NewConnections.TryTake(now, limits.MaxNewConnectionsPerSecond, out _);
            Add(chosen, hops, now);
            foreach (var slot in _sources) slot.Credit += slot.Weight;
            chosen.Credit -= _totalWeight;
            _rotation++;
            opened++;
            wanted--;
        }
        return new Opening(opened, NeedsRoute: false, wake);
    }

    /// <summary>Fewer connections for its weight first; between equals, the one the weighted rotation owes most.</summary>
    private static bool Before(SourceSlot slot, SourceSlot chosen)
    {
        var (mine, theirs) = ((long)slot.Connections * chosen.Weight, (long)chosen.Connections * slot.Weight);
        return mine < theirs || (mine == theirs && slot.Credit > chosen.Credit);
    }

    private bool IsCapped(SourceSlot slot) => warmUp is not null && ProviderGroup is { } group && warmUp.IsCapped(slot.Source, group);

    private bool TakeWarmUp(SourceSlot slot) => warmUp is null || ProviderGroup is not { } group || warmUp.TryTake(slot.Source, group);

    private void ReleaseWarmUp(SourceSlot slot)
    {
        if (warmUp is not null && ProviderGroup is { } group) warmUp.Release(slot.Source, group);
    }

    private WarmUpCapped Capped()
    {
        var until = warmUp!.NextDay;
        var sources = string.Join(", ", _sources.Select(s => s.Source.Name));
        return new WarmUpCapped(new RemoteReply(451, "4.7.0",
            $"warm-up: every source of egress pool {pool.Name} ({sources}) has sent today's cap to provider group {ProviderGroup}; waiting until {until:yyyy-MM-dd HH:mm}Z"), until);
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
