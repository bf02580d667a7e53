using ActorMta.Delivery.Limits;
using ActorMta.Serialization;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

public sealed partial class DomainDelivery
{
    /// <summary>Asks a domain's delivery actor (wherever it runs in the fleet) for its <see cref="DomainStatus"/>.</summary>
    public sealed record GetStatus(string Domain) : IWithDomain;

    /// <summary>An operator suspends the domain (answered with its <see cref="DomainStatus"/>). It resumes by itself after <paramref name="For"/>.</summary>
    public sealed record Suspend(string Domain, TimeSpan For, string Reason) : IWithDomain;

    /// <summary>An operator lifts a suspension and any throttle now (answered with its <see cref="DomainStatus"/>).</summary>
    public sealed record Resume(string Domain) : IWithDomain;

    /// <summary>An operator's admin bounce: every recipient for the domain, waiting or arriving, fails with <paramref name="Reason"/>
    /// until <paramref name="For"/> has passed; held in the domain's persisted backoff state (answered with its <see cref="DomainStatus"/>).</summary>
    public sealed record Bounce(string Domain, TimeSpan For, string Reason) : IWithDomain;

    /// <summary>An operator ends the domain's admin bounce now (answered with its <see cref="DomainStatus"/>).</summary>
    public sealed record CancelBounce(string Domain) : IWithDomain;

    /// <summary>An operator's "try now": like <see cref="Resume"/>, and every partition's mail waiting for a retry to the domain is due at once.</summary>
    public sealed record RetryNow(string Domain) : IWithDomain;

    /// <summary>What a domain's delivery is doing: its state (active, idle, suspended, throttled), limits, connections and backlog.</summary>
    /// <param name="Node">The cluster address of the node the actor runs on.</param>
    /// <param name="SuspendedBy">Who suspended it (an operator, or backoff) while suspended.</param>
    /// <param name="BouncedUntil">Under an operator's admin bounce until then (every recipient fails); <paramref name="AdminBounced"/> counts them.</param>
    /// <param name="LimitSources">Each limit in effect and the setting that produced it.</param>
    public sealed record DomainStatus(
        string Domain,
        string Node,
        string Route,
        string State,
        DateTimeOffset? SuspendedUntil,
        string? SuspendReason,
        DateTimeOffset? ThrottledUntil,
        string? ThrottleReason,
        LimitsView Limits,
        int Backlog,
        int InFlight,
        IReadOnlyList<ConnectionView> Connections,
        long Delivered,
        long Deferred,
        long Failed,
        IReadOnlyList<BackoffChange> RecentChanges,
        SuspensionCause? SuspendedBy = null,
        DateTimeOffset? BouncedUntil = null,
        string? BounceReason = null,
        long AdminBounced = 0,
        IReadOnlyDictionary<string, LimitSource>? LimitSources = null,
        string? LastReply = null,
        DateTimeOffset? LastReplyAt = null) : IActorMtaSerializable;

    /// <param name="Factor">1, or the throttle factor the configured limits are scaled by right now.</param>
    public sealed record LimitsView(int MaxConnections, double MaxMessagesPerSecond, double MaxNewConnectionsPerSecond, int MaxMessagesPerConnection, TimeSpan IdleTimeout, double Factor);

    /// <param name="State">opening | idle | busy | closing.</param>
    public sealed record ConnectionView(string Source, string? Host, string? Address, bool Tls, string State, int Transactions, DateTimeOffset OpenedAt);

    /// <summary>Sharding's hand-off stop message: answer what waits, finish what is in flight, then stop.</summary>
    public sealed record HandOff
    {
        public static readonly HandOff Instance = new();
    }
}
