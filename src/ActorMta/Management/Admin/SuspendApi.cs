using System.Text.Json.Serialization;
using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// KumoMTA's /api/admin/suspend/v1 (POST, GET, DELETE), over the domains' persisted operator suspensions
/// (the domain-delivery entities keep them in their backoff journal, so they hold fleet-wide, survive node
/// loss and expire by themselves). ActorMta's queue is per destination domain: tenant, campaign and
/// queue_names are refused with 422 rather than silently widened to the whole domain.
/// </summary>
public static class SuspendApi
{
    public sealed record SuspendRequest(
        string? Domain,
        string? Tenant,
        string? Campaign,
        [property: JsonPropertyName("queue_names")] IReadOnlyList<string>? QueueNames,
        string? Reason,
        string? Duration,
        DateTimeOffset? Expires);

    public sealed record SuspendResponse(Guid Id);

    /// <param name="Duration">Time left, e.g. "1h 59m 58s", as KumoMTA lists it.</param>
    public sealed record SuspendListEntry(Guid Id, string Domain, string? Tenant, string? Campaign, string Reason, string Duration, DateTimeOffset Expires);

    public static IEndpointRouteBuilder MapSuspendApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/admin/suspend/v1", async (HttpRequest http, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
        {
            var (request, error) = await AdminJson.ReadAsync<SuspendRequest>(http, cancellation);
            if (error is not null) return error;
            if (request!.Tenant is not null || request.Campaign is not null || request.QueueNames is { Count: > 0 })
                return AdminJson.Error(422, "ActorMta suspends by destination domain: tenant, campaign and queue_names are not known to its queue");
            if (string.IsNullOrWhiteSpace(request.Domain)) return AdminJson.Error(422, "domain is required");
            if (string.IsNullOrWhiteSpace(request.Reason)) return AdminJson.Error(422, "reason is required");
            var length = OperatorRules.LengthOf(request.Duration, request.Expires, clock.GetUtcNow());
            if (length is null)
                return AdminJson.Error(422, "give duration (90s, 30m, 2h, 1d) or expires (a future RFC 3339 time)");
            var region = await registry.GetAsync<DomainDelivery>(cancellation);
            var status = await region.Ask<DomainDelivery.DomainStatus>(
                new DomainDelivery.Suspend(DeliveryEndpoints.Normalize(request.Domain), length.Value, request.Reason), DeliveryEndpoints.Timeout, cancellation);
            return Results.Json(new SuspendResponse(IdOf(status)), AdminJson.Options);
        });
        routes.MapGet("/api/admin/suspend/v1", async (ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
            Results.Json(await ListAsync(system, registry, clock, cancellation), AdminJson.Options));
        routes.MapDelete("/api/admin/suspend/v1", (HttpRequest http, ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) =>
            OperatorRules.CancelAsync(http, async () => (await ListAsync(system, registry, clock, cancellation)).Select(e => (e.Id, e.Domain)),
                domain => new DomainDelivery.Resume(domain), "suspension", registry, cancellation));
        return routes;
    }

    private static async Task<IReadOnlyList<SuspendListEntry>> ListAsync(ActorSystem system, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation)
    {
        var (domains, now) = await OperatorRules.DomainsAsync(system, registry, clock, cancellation);
        return [.. domains
            .Where(d => d.SuspendedBy == SuspensionCause.Operator && d.SuspendedUntil > now)
            .Select(d => new SuspendListEntry(IdOf(d), d.Domain, null, null, OperatorReason(d.SuspendReason), OperatorRules.Remaining(d.SuspendedUntil!.Value - now), d.SuspendedUntil!.Value))];
    }

    /// <summary>One suspension's id: the same from every node (a digest of the domain and its end), new for each new suspension.</summary>
    private static Guid IdOf(DomainDelivery.DomainStatus status) => OperatorRules.IdOf($"{status.Domain}|{status.SuspendedUntil?.ToUnixTimeMilliseconds()}");

    /// <summary>The reason as the operator gave it (the domain's status shows it as "operator: ...").</summary>
    private static string OperatorReason(string? shown) => shown is null ? "" : shown.StartsWith("operator: ", StringComparison.Ordinal) ? shown["operator: ".Length..] : shown;
}
