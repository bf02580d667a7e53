using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ActorMta.Contracts;

namespace ActorMta.Management.Admin;

/// <summary>
/// KumoMTA's /api/admin/bounce/v1 (POST, GET, DELETE). For a domain the rule lives in the domain's persisted
/// backoff state, like an operator's suspension, so it holds fleet-wide and outlives its node: what is queued
/// for the domain, and what arrives until the rule ends (duration, default 5m as in KumoMTA), fails with the
/// reason, gets a DSN and an AdminBounce line in the delivery log. For a queue_id, that message's waiting
/// recipients fail now. The queue knows destination domains only: tenant, campaign, routing_domain and
/// queue_names get 422, and so does a request naming nothing (KumoMTA would bounce every queue).
/// </summary>
public static class BounceApi
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(5);

    public sealed record BounceRequest(
        string? Domain,
        string? QueueId,
        string? Tenant,
        string? Campaign,
        string? RoutingDomain,
        IReadOnlyList<string>? QueueNames,
        string? Reason,
        string? Duration,
        DateTimeOffset? Expires,
        bool? SuppressLogging);

    /// <param name="Bounced">Recipients bounced by destination domain: for a message, now; for a domain, the
    /// sweep runs on (KumoMTA answers {} too) and GET shows the count.</param>
    public sealed record BounceResponse(Guid Id, IReadOnlyDictionary<string, long> Bounced, long TotalBounced, DateTimeOffset? Expires = null, IReadOnlyList<string>? InFlight = null);

    public sealed record BounceListEntry(Guid Id, string Domain, string? Campaign, string? Tenant, string? RoutingDomain, string Reason, string Duration,
        DateTimeOffset Expires, IReadOnlyDictionary<string, long> Bounced, long TotalBounced);

    public static IEndpointRouteBuilder MapBounceApi(this IEndpointRouteBuilder routes, QueueSettings settings)
    {
        routes.MapPost("/api/admin/bounce/v1", async (HttpRequest http, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
        {
            var (request, error) = await AdminJson.ReadAsync<BounceRequest>(http, cancellation);
            if (error is not null) return error;
            if (Refusal(request!) is { } refused) return AdminJson.Error(422, refused);
            if (request!.QueueId is { } queueId)
            {
                var (answer, failed) = await QueueEndpoints.AskPartitionAsync(registry, settings, queueId,
                    partition => new QueuePartition.BounceMessage(partition, queueId, request.Reason!), cancellation);
                if (failed is not null) return failed;
                if (answer is not QueuePartition.MessageBounced bounced) return AdminJson.Error(404, $"message {queueId} is not in the queue");
                var byDomain = bounced.Bounced.GroupBy(MailAddress.DomainOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
                return Results.Json(new BounceResponse(Guid.NewGuid(), byDomain, bounced.Bounced.Count, InFlight: bounced.InFlight), AdminJson.Options);
            }
            var length = OperatorRules.LengthOf(request.Duration, request.Expires, clock.GetUtcNow(), DefaultDuration);
            if (length is null) return AdminJson.Error(422, "duration (90s, 30m, 2h, 1d) or expires (a future RFC 3339 time) is not usable");
            var region = await registry.GetAsync<DomainDelivery>(cancellation);
            var status = await region.Ask<DomainDelivery.DomainStatus>(
                new DomainDelivery.Bounce(DeliveryEndpoints.Normalize(request.Domain!), length.Value, request.Reason!), DeliveryEndpoints.Timeout, cancellation);
            return Results.Json(new BounceResponse(IdOf(status), new Dictionary<string, long>(), 0, status.BouncedUntil), AdminJson.Options);
        });
        routes.MapGet("/api/admin/bounce/v1", async (ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
            Results.Json(await ListAsync(system, registry, clock, cancellation), AdminJson.Options));
        routes.MapDelete("/api/admin/bounce/v1", (HttpRequest http, ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
            OperatorRules.CancelAsync(http, async () => (await ListAsync(system, registry, clock, cancellation)).Select(e => (e.Id, e.Domain)),
                domain => new DomainDelivery.CancelBounce(domain), "bounce", registry, cancellation));
        return routes;
    }

    /// <summary>Why a well-formed request cannot be carried out, or null.</summary>
    private static string? Refusal(BounceRequest request)
    {
        if (request.Tenant is not null || request.Campaign is not null || request.RoutingDomain is not null || request.QueueNames is { Count: > 0 })
            return "ActorMta bounces by destination domain or queue_id: tenant, campaign, routing_domain and queue_names are not known to its queue";
        if (string.IsNullOrWhiteSpace(request.Reason)) return "reason is required";
        if (request.SuppressLogging == true) return "suppress_logging is not supported: every admin bounce is logged";
        if (string.IsNullOrWhiteSpace(request.Domain) == string.IsNullOrWhiteSpace(request.QueueId))
            return "give exactly one of domain and queue_id (ActorMta does not bounce every queue at once)";
        if (request.QueueId is not null && (request.Duration is not null || request.Expires is not null))
            return "duration and expires apply to a domain's bounce rule, not to one message";
        if (request.Domain is { } domain && DeliveryEndpoints.Normalize(domain) is { Length: 0 or > 255 }) return "domain is not a domain";
        return null;
    }

    private static async Task<IReadOnlyList<BounceListEntry>> ListAsync(ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation)
    {
        var (domains, now) = await OperatorRules.DomainsAsync(system, registry, clock, cancellation);
        return [.. domains
            .Where(d => d.BouncedUntil > now)
            .Select(d => new BounceListEntry(IdOf(d), d.Domain, null, null, null, d.BounceReason ?? "", OperatorRules.Remaining(d.BouncedUntil!.Value - now),
                d.BouncedUntil!.Value, new Dictionary<string, long> { [d.Domain] = d.AdminBounced }, d.AdminBounced))];
    }

    private static Guid IdOf(DomainDelivery.DomainStatus status) => OperatorRules.IdOf($"bounce|{status.Domain}|{status.BouncedUntil?.ToUnixTimeMilliseconds()}");
}
