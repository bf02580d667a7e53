using ActorMta.Delivery;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;

namespace ActorMta.Management.Dashboard;

/// <summary>What one push of the dashboard's stream carries: this node's totals, the fleet's members and its running domains.</summary>
public sealed record DashboardSnapshot(
    DateTimeOffset At,
    string Node,
    DashboardCounts Counts,
    IReadOnlyList<DashboardSnapshot.MemberRow> Members,
    IReadOnlyList<DashboardSnapshot.DomainRow> Domains,
    IReadOnlyList<string> UnansweredNodes)
{
    public sealed record MemberRow(string Node, string Status, bool Reachable, IReadOnlyList<string> Roles, bool Leader);

    /// <param name="State">active | idle | backoff (throttled) | suspended.</param>
    /// <param name="Reason">Why it is suspended or backing off.</param>
    /// <param name="SuspendedByOperator">An operator's suspension (the page offers Resume for it).</param>
    /// <param name="LastReply">The next hop's last reply to this domain's mail, else the latest backoff or suspension change ("state: why").</param>
    public sealed record DomainRow(
        string Domain, string Node, string State, string? Reason, DateTimeOffset? Until, bool SuspendedByOperator,
        LimitsRow Limits, int Backlog, int InFlight, long Delivered, long Deferred, long Failed, string? LastReply);

    /// <param name="Factor">1, or the backoff factor the configured limits are scaled by now.</param>
    public sealed record LimitsRow(int MaxConnections, double MaxMessagesPerSecond, int MaxMessagesPerConnection, double Factor);
}

/// <summary>
/// Builds the dashboard's snapshots from what the node already knows and answers on its other routes (the
/// cluster's state, /delivery/domains). Streams opened at once share one build per interval, so more viewers do not mean
/// more fleet-wide asks.
/// </summary>
public sealed class DashboardSnapshots(DashboardSettings settings, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private Task<DashboardSnapshot>? _latest;
    private DateTimeOffset _startedAt;

    /// <summary>The latest snapshot if it was started within half an interval, else a new one.</summary>
    public Task<DashboardSnapshot> GetAsync(ActorSystem system, ActorRegistry registry)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_latest is null || (_latest.IsCompleted && now - _startedAt >= settings.Interval / 2))
            {
                _startedAt = now;
                // Not cancelled by one viewer leaving: others may wait on it; every ask in it has its own timeout.
                _latest = BuildAsync(system, registry, now);
            }
            return _latest;
        }
    }

    private static async Task<DashboardSnapshot> BuildAsync(ActorSystem system, ActorRegistry registry, DateTimeOffset now)
    {
        var counts = DashboardCounts.Read();
        // The cluster's own state, as this node sees it (what /cluster/members shows, without its up-since times).
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var members = state.Members
            .Select(m => new DashboardSnapshot.MemberRow(m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m),
                [.. m.Roles.Order(StringComparer.Ordinal)], m.Address.Equals(state.Leader)))
            .ToArray();
        var running = await DeliveryEndpoints.GatherAsync(system, await registry.GetAsync<DomainDelivery>(), CancellationToken.None);
        return new DashboardSnapshot(now, cluster.SelfAddress.ToString(), counts, members, [.. running.Domains.Select(Row)], running.UnansweredNodes);
    }

    /// <summary>A domain's row from its /delivery/domains status (the data behind /api/admin/ready-q-states/v1 too).</summary>
    private static DashboardSnapshot.DomainRow Row(DomainDelivery.DomainStatus d)
    {
        var state = d.State == "throttled" ? "backoff" : d.State;
        var reason = d.State == "suspended" ? d.SuspendReason : d.State == "throttled" ? d.ThrottleReason : null;
        var until = d.State == "suspended" ? d.SuspendedUntil : d.State == "throttled" ? d.ThrottledUntil : null;
        var lastReply = d.LastReply ?? (d.RecentChanges.Count > 0 ? $"{d.RecentChanges[^1].State}: {d.RecentChanges[^1].Reason}" : null);
        return new DashboardSnapshot.DomainRow(d.Domain, d.Node, state, reason, until, d.SuspendedBy == Delivery.Limits.SuspensionCause.Operator,
            new DashboardSnapshot.LimitsRow(d.Limits.MaxConnections, d.Limits.MaxMessagesPerSecond, d.Limits.MaxMessagesPerConnection, d.Limits.Factor),
            d.Backlog, d.InFlight, d.Delivered, d.Deferred, d.Failed, lastReply);
    }
}
