using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// A domain's connections, per egress source, and the pool's two decisions: which idle connection takes the next
/// waiting request (as its source's message rate and warm-up cap allow, and only a request whose egress pool has the
/// connection's source), and from which source to open the next connection (per pool with waiting mail: fewest
/// connections for its weight first, then by smooth weighted rotation, within each source's connection limit,
/// new-connection rate and warm-up cap: a capped source's share overflows to the pool's others). A request's pool is
/// the one it asked for (<see cref="DeliveryRequest.Pool"/>, a named pool), else the domain's. Plain data and a
/// connection factory, so it is tested without actors (<c>ConnectionPoolTests</c>, <c>WarmUpPoolTests</c>,
/// <c>PoolChoicePoolTests</c>); the delivery actor keeps the backlog, the messages and the timers.
/// </summary>
/// <typeparam name="TConnection">What a connection is to its owner: the child actor for the delivery actor.</typeparam>
internal sealed class ConnectionPool<TConnection> where TConnection : notnull
{
    /// <summary>What stopped <see cref="OpenFor(IReadOnlyDictionary{string, int}, DateTimeOffset, DomainLimits, IReadOnlyList{NextHop})"/>:
    /// nothing (all wanted are opening), the route (resolve it, then call again), limits until <see cref="Wake"/>, or every
    /// source's warm-up cap in a pool (<see cref="Capped"/>, the first; <see cref="AllCapped"/>: that pool's waiting work waits for tomorrow).</summary>
    public readonly record struct Opening(int Opened, bool NeedsRoute, DateTimeOffset? Wake, WarmUpCapped? Capped = null, IReadOnlyList<WarmUpCapped>? AllCapped = null);

    /// <summary>Every source of <paramref name="Pool"/> has sent today's cap to the provider group: nothing goes there until <paramref name="Until"/>.</summary>
    public sealed record WarmUpCapped(RemoteReply Reply, DateTimeOffset Until, string Pool = "");

    private readonly Dictionary<TConnection, ConnectionSlot<TConnection>> _connections = [];
    private readonly Dictionary<string, SourceSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolShare> _shares = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, EgressPool> _named;
    private readonly PoolShare _default;
    private readonly WarmUp? _warmUp;
    private readonly Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> _open;

    /// <param name="pool">The domain's pool: for requests that ask for none (or for one <paramref name="named"/> lacks).</param>
    /// <param name="named">actormta.delivery.egress-pools, which a request may ask for by name.</param>
    public ConnectionPool(EgressPool pool, WarmUp? warmUp, Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> open, IReadOnlyDictionary<string, EgressPool>? named = null)
    {
        _warmUp = warmUp;
        _open = open;
        _named = named ?? new Dictionary<string, EgressPool>();
        _default = new PoolShare(pool, Slot);
        _shares[pool.Name] = _default;
    }

    public ConnectionPool(IReadOnlyList<EgressSource> sources, Func<SourceSlot, IReadOnlyList<NextHop>, TConnection> open)
        : this(EgressPool.Unweighted(sources), null, open) { }

    /// <summary>The pool a request goes out from, by name: the named pool it asked for, else the domain's.</summary>
    public string PoolOf(DeliveryRequest request) => Share(request.Pool).Name;

    /// <summary>The named pool (actormta.delivery.egress-pools) a request goes out from; null: the domain's plain egress list.</summary>
    public string? NamedPoolOf(DeliveryRequest request) => Share(request.Pool) is { Pool.Listed: false } share ? share.Name : null;

    private PoolShare Share(string? name)
    {
        if (name is null) return _default;
        if (_shares.TryGetValue(name, out var share)) return share;
        if (!_named.TryGetValue(name, out var pool)) return _default;
        return _shares[name] = new PoolShare(pool, Slot);
    }

    private SourceSlot Slot(EgressSource source) =>
        _slots.TryGetValue(source.Name, out var slot) ? slot : _slots[source.Name] = new SourceSlot(source);

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
    /// Hands requests to idle connections whose source's message rate allows one now: each connection takes the first
    /// waiting request that <paramref name="nextWaiting"/> finds for it (one whose pool has the connection's source);
    /// it goes to <paramref name="send"/> and the connection is busy from then on.
    /// </summary>
    /// <returns>When a rate allows the next one, if a rate is what held an idle connection back.</returns>
    public DateTimeOffset? Assign(DateTimeOffset now, DomainLimits limits, Func<bool> anyWaiting, Func<Func<DeliveryRequest, bool>, DeliveryRequest?> nextWaiting,
        Action<ConnectionSlot<TConnection>, DeliveryRequest> send)
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
            var source = connection.Source;
            if (nextWaiting(request => Share(request.Pool).Has(source)) is not { } request)
            {
                ReleaseWarmUp(connection.Source);
                continue;
            }
            connection.Source.Messages.TryTake(now, limits.MaxMessagesPerSecond, out _);
            connection.State = ConnectionState.Busy;
            connection.Carrying = request;
            send(connection, request);
        }
        return wake;
    }

    /// <summary>As above, for requests that all go out from the domain's pool.</summary>
    public DateTimeOffset? Assign(DateTimeOffset now, DomainLimits limits, Func<bool> anyWaiting, Func<DeliveryRequest?> nextWaiting,
        Action<ConnectionSlot<TConnection>, DeliveryRequest> send) =>
        Assign(now, limits, anyWaiting, _ => nextWaiting(), send);

    /// <summary>Opens connections for <paramref name="waiting"/> requests, all of the domain's pool, that no opening connection will take.</summary>
    public Opening OpenFor(int waiting, DateTimeOffset now, DomainLimits limits, IReadOnlyList<NextHop>? hops) =>
        OpenFor(new Dictionary<string, int> { [_default.Name] = waiting }, now, limits, hops);

    /// <summary>
    /// Opens connections for the waiting requests of each pool (<paramref name="waiting"/>: counts by <see cref="PoolOf"/>)
    /// that no connection opening for that pool will take. Without <paramref name="hops"/> it opens none and says
    /// whether one could be opened once the route is known.
    /// </summary>
    public Opening OpenFor(IReadOnlyDictionary<string, int> waiting, DateTimeOffset now, DomainLimits limits, IReadOnlyList<NextHop>? hops)
    {
        if (hops is not null && _warmUp is not null) ProviderGroup = _warmUp.GroupOf(hops.Select(h => h.Host));
        var opened = 0;
        DateTimeOffset? wake = null;
        List<WarmUpCapped>? cappedPools = null;
        foreach (var (name, count) in waiting)
        {
            if (count <= 0) continue;
            var share = Share(name);
            var wanted = count - _connections.Values.Count(c => c.State == ConnectionState.Opening && c.OpenedFor == share);
            var openedHere = 0;
            while (wanted > 0)
            {
                PoolShare.Member? chosen = null;
                var capped = 0;
                for (var i = 0; i < share.Members.Length; i++)
                {
                    var member = share.Members[(share.Rotation + i) % share.Members.Length];
                    if (IsCapped(member.Slot))
                    {
                        capped++;
                        continue;
                    }
                    if (member.Slot.Connections >= limits.MaxConnections) continue;
                    if (!member.Slot.NewConnections.Allows(now, limits.MaxNewConnectionsPerSecond, out var allowedAt))
                    {
                        wake = RateLimiter.Earliest(wake, allowedAt);
                        continue;
                    }
                    if (chosen is null || PoolShare.Before(member, chosen)) chosen = member;
                }
                if (capped == share.Members.Length && openedHere == 0)
                {
                    (cappedPools ??= []).Add(Capped(share));
                    break;
                }
                if (chosen is null) break;
                if (hops is null) return new Opening(opened, NeedsRoute: true, wake);
                chosen.Slot.NewConnections.TryTake(now, limits.MaxNewConnectionsPerSecond, out _);
                Add(chosen.Slot, hops, now, share);
                share.Chose(chosen);
                opened++;
                openedHere++;
                wanted--;
            }
        }
        return new Opening(opened, NeedsRoute: false, wake, cappedPools?[0], cappedPools);
    }

    private bool IsCapped(SourceSlot slot) => _warmUp is not null && ProviderGroup is { } group && _warmUp.IsCapped(slot.Source, group);

    private bool TakeWarmUp(SourceSlot slot) => _warmUp is null || ProviderGroup is not { } group || _warmUp.TryTake(slot.Source, group);

    private void ReleaseWarmUp(SourceSlot slot)
    {
        if (_warmUp is not null && ProviderGroup is { } group) _warmUp.Release(slot.Source, group);
    }

    private WarmUpCapped Capped(PoolShare share)
    {
        var until = _warmUp!.NextDay;
        var sources = string.Join(", ", share.Members.Select(m => m.Slot.Source.Name));
        return new WarmUpCapped(new RemoteReply(451, "4.7.0",
            $"warm-up: every source of egress pool {share.Name} ({sources}) has sent today's cap to provider group {ProviderGroup}; waiting until {until:yyyy-MM-dd HH:mm}Z"), until, share.Name);
    }

    /// <summary>One connection from the domain pool's first source, whatever the limits: the probe of a suspended domain.</summary>
    public ConnectionSlot<TConnection> OpenProbe(IReadOnlyList<NextHop> hops, DateTimeOffset now) => Add(_default.Members[0].Slot, hops, now, _default);

    /// <summary>Idle connections that have waited <paramref name="idleTimeout"/> for work.</summary>
    public IReadOnlyList<ConnectionSlot<TConnection>> IdleFor(DateTimeOffset now, TimeSpan idleTimeout) =>
        [.. _connections.Values.Where(c => c.State == ConnectionState.Idle && now - c.IdleSince >= idleTimeout)];

    private ConnectionSlot<TConnection> Add(SourceSlot source, IReadOnlyList<NextHop> hops, DateTimeOffset now, PoolShare share)
    {
        var connection = _open(source, hops);
        var slot = new ConnectionSlot<TConnection>(connection, source, now, share);
        _connections[connection] = slot;
        source.Connections++;
        return slot;
    }
}
