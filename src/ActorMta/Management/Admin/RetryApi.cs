using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// POST /api/admin/retry/v1 {domain} or {queue_id}: "try now". For a domain its suspension or throttle
/// is lifted and every partition makes the mail waiting for it due at once; for a message, its recipients
/// waiting for a retry are due at once. Either way the queue records it (RecipientsDue), so it holds if a
/// partition moves meanwhile.
/// </summary>
public static class RetryApi
{
    public sealed record RetryRequest(string? Domain, string? QueueId);

    public static IEndpointRouteBuilder MapRetryApi(this IEndpointRouteBuilder routes, QueueSettings settings)
    {
        routes.MapPost("/api/admin/retry/v1", async (HttpRequest http, ActorRegistry registry, CancellationToken cancellation) =>
        {
            var (request, error) = await AdminJson.ReadAsync<RetryRequest>(http, cancellation);
            if (error is not null) return error;
            if ((request!.Domain is null) == (request.QueueId is null)) return AdminJson.Error(422, "give exactly one of domain and queue_id");
            if (request.Domain is { } domain)
            {
                var region = await registry.GetAsync<DomainDelivery>(cancellation);
                var status = await region.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.RetryNow(DeliveryEndpoints.Normalize(domain)), DeliveryEndpoints.Timeout, cancellation);
                return Results.Json(new { domain = status.Domain, state = status.State }, AdminJson.Options);
            }
            var queueId = request.QueueId!;
            var (answer, failed) = await QueueEndpoints.AskPartitionAsync(registry, settings, queueId, partition => new QueuePartition.RetryNow(partition, queueId), cancellation);
            if (failed is not null) return failed;
            return answer is QueuePartition.MessageDetails details
                ? Results.Json(new { queue_id = details.QueueId, recipients = details.Recipients.Select(r => new { r.Address, r.Status, next_attempt_at = r.NextAttemptAt }) }, AdminJson.Options)
                : AdminJson.Error(404, $"message {queueId} is not in the queue");
        });
        return routes;
    }
}
