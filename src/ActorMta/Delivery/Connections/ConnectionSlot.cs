using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

public enum ConnectionState { Opening, Idle, Busy, Closing }

/// <summary>One egress source's share of a domain: its connections and its two rate limiters (whichever pool opened them).</summary>
internal sealed class SourceSlot(EgressSource source)
{
    public EgressSource Source { get; } = source;
    public RateLimiter Messages { get; } = new();
    public RateLimiter NewConnections { get; } = new();

    /// <summary>Connections of this source until their actor has stopped (a closing one still holds a socket).</summary>
    public int Connections { get; set; }
}

/// <summary>What a domain's delivery actor knows about one of its connections (<typeparamref name="TConnection"/>: the child actor).</summary>
/// <param name="pool">The pool it was opened for: it waits to be taken by that pool's mail (and carries any pool's that has its source).</param>
internal sealed class ConnectionSlot<TConnection>(TConnection connection, SourceSlot source, DateTimeOffset openedAt, PoolShare? pool = null)
{
    public TConnection Connection { get; } = connection;
    public SourceSlot Source { get; } = source;
    public PoolShare? OpenedFor { get; } = pool;
    public DateTimeOffset OpenedAt { get; } = openedAt;
    public ConnectionState State { get; set; } = ConnectionState.Opening;
    public string? Host { get; set; }
    public string? Address { get; set; }
    public bool Tls { get; set; }

    /// <summary>How the session fared against the domain's MTA-STS policy; null when none applies.</summary>
    public Sts.StsOutcome? Sts { get; set; }
    public int Transactions { get; set; }
    public DateTimeOffset IdleSince { get; set; } = openedAt;

    /// <summary>The request it carries while busy.</summary>
    public DeliveryRequest? Carrying { get; set; }
}
