using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Queue.Query;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ActorMta.Contracts;

namespace ActorMta.Management.Admin;

/// <summary>
/// GET /api/admin/ready-q-states/v1[?queues=example.com&amp;queues=...]: KumoMTA's {states_by_ready_queue}, one entry
/// per destination domain, gathered fleet-wide from the domains' delivery actors and the queue partitions: the
/// ready count (requests at the domain waiting for a connection), connections, the recipients queued by status,
/// each limit in effect with the setting that produced it, the suspension, throttle or admin bounce in force,
/// and the last reply. A domain with queued mail whose actor is not running shows the limits this node's
/// settings give it.
/// </summary>
public static class ReadyQueueStatesApi
{
    public sealed record Suspension(string Reason, DateTimeOffset Expires, string? By);

    public sealed record Throttle(string? Reason, DateTimeOffset Expires, double Factor);

    public sealed record BounceRule(string Reason, DateTimeOffset Expires, long TotalBounced);

    public sealed record ReadyQueueState(
        int ReadyCount,
        int ConnectionCount,
        int InFlight,
        IReadOnlyDictionary<string, int> Queued,
        string State,
        string? Node,
        string? Route,
        IReadOnlyDictionary<string, LimitSource> Limits,
        Suspension? Suspended,
        Throttle? Throttled,
        BounceRule? Bounce,
        string? LastReply,
        DateTimeOffset? LastReplyAt);

    public sealed record ReadyQueueStates(
        IReadOnlyDictionary<string, ReadyQueueState> StatesByReadyQueue,
        IReadOnlyList<string> UnansweredNodes,
        IReadOnlyList<int> UnansweredPartitions);

    public static IEndpointRouteBuilder MapReadyQueueStatesApi(this IEndpointRouteBuilder routes, QueueSettings queue, DeliverySettings delivery)
    {
        routes.MapGet("/api/admin/ready-q-states/v1", async (string[]? queues, ActorSystem system, ActorRegistry registry, CancellationToken cancellation) =>
        {
            var nodeWide = NodeWideLimits(queue, delivery);
            var wanted = queues is { Length: > 0 }
                ? queues.SelectMany(q => q.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(DeliveryEndpoints.Normalize).ToHashSet(StringComparer.Ordinal)
                : null;
            var domains = DeliveryEndpoints.GatherAsync(system, await registry.GetAsync<DomainDelivery>(cancellation), cancellation);
            var counts = QueueOverview.GatherAsync(await registry.GetAsync<QueueRegion>(cancellation), queue.Partitions, DeliveryEndpoints.Timeout, cancellation);
            var (view, overview) = (await domains, await counts);
            var running = view.Domains.ToDictionary(d => d.Domain, StringComparer.Ordinal);
            var states = new SortedDictionary<string, ReadyQueueState>(StringComparer.Ordinal);
            foreach (var name in running.Keys.Union(overview.Domains.Keys))
            {
                if (wanted is not null && !wanted.Contains(name)) continue;
                var queued = overview.Domains.TryGetValue(name, out var byStatus) ? byStatus : new Dictionary<string, int>();
                var state = running.TryGetValue(name, out var status) ? StateOf(status, queued) : NotRunning(name, queued, delivery);
                states[name] = state with { Limits = new Dictionary<string, LimitSource>(state.Limits.Concat(nodeWide), StringComparer.Ordinal) };
            }
            var body = new ReadyQueueStates(states, view.UnansweredNodes, overview.UnansweredPartitions);
            var complete = view.UnansweredNodes.Count == 0 && overview.UnansweredPartitions.Count == 0;
            return Results.Json(body, AdminJson.Options, statusCode: complete ? 200 : 503);
        });
        return routes;
    }

    private static ReadyQueueState StateOf(DomainDelivery.DomainStatus status, IReadOnlyDictionary<string, int> queued) => new(
        status.Backlog,
        status.Connections.Count(c => c.State != "closing"),
        status.InFlight,
        queued,
        status.State,
        status.Node,
        status.Route,
        status.LimitSources ?? new Dictionary<string, LimitSource>(),
        status.SuspendedUntil is { } suspended ? new Suspension(status.SuspendReason ?? "", suspended, status.SuspendedBy?.ToString()) : null,
        status.ThrottledUntil is { } throttled ? new Throttle(status.ThrottleReason, throttled, status.Limits.Factor) : null,
        status.BouncedUntil is { } bounced ? new BounceRule(status.BounceReason ?? "", bounced, status.AdminBounced) : null,
        status.LastReply,
        status.LastReplyAt);

    /// <summary>The limits every domain has, set for the whole node: how much a partition hands a domain at once, how much a domain's actor holds waiting.</summary>
    private static Dictionary<string, LimitSource> NodeWideLimits(QueueSettings queue, DeliverySettings delivery) => new(StringComparer.Ordinal)
    {
        ["max_in_flight_per_partition"] = new(queue.MaxInFlightPerDomain, "actormta.queue.max-in-flight-per-domain"),
        ["max_backlog"] = new(delivery.MaxBacklog, "actormta.delivery.max-backlog"),
        ["max_backlog_wait_seconds"] = new(delivery.MaxBacklogWait.TotalSeconds, "actormta.delivery.max-backlog-wait"),
    };

    /// <summary>Queued mail for a domain whose delivery actor is not running (idle, or waiting for retries): no backoff is in force.</summary>
    private static ReadyQueueState NotRunning(string domain, IReadOnlyDictionary<string, int> queued, DeliverySettings delivery)
    {
        var policy = delivery.Domains.For(domain);
        return new(0, 0, 0, queued, "not running", null, policy.Route.Kind, LimitSources.Of(policy, 1, null), null, null, null, null, null);
    }
}
