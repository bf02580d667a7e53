using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Queue.Query;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ActorMta.Contracts;

namespace ActorMta.Management;

/// <summary>The read-only queue API: counts by state and destination domain, one message with its history.</summary>
public static class QueueEndpoints
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder routes, QueueSettings settings)
    {
        routes.MapGet("/queue", async (ActorRegistry registry, CancellationToken cancellation) =>
        {
            var partitions = await registry.GetAsync<QueueRegion>(cancellation);
            var overview = await QueueOverview.GatherAsync(partitions, settings.Partitions, Timeout, cancellation);
            return Results.Json(overview, ManagementEndpoints.Json, statusCode: overview.UnansweredPartitions.Count == 0 ? 200 : 503);
        });
        routes.MapGet("/queue/messages/{queueId}", async (string queueId, ActorRegistry registry, CancellationToken cancellation) =>
        {
            var (answer, error) = await AskPartitionAsync(registry, settings, queueId, partition => new QueuePartition.GetMessage(partition, queueId), cancellation);
            return error ?? answer switch
            {
                QueuePartition.MessageDetails details => Results.Json(details, ManagementEndpoints.Json),
                _ => Results.Json(new { error = $"message {queueId} is not in the queue" }, ManagementEndpoints.Json, statusCode: 404),
            };
        });
        return routes;
    }

    /// <summary>
    /// Asks the partition that owns <paramref name="queueId"/> (queue ids name it); the error result instead
    /// when the id is not one of this queue's (404) or the partition did not answer in time (503).
    /// </summary>
    internal static async Task<(object? Answer, IResult? Error)> AskPartitionAsync(ActorRegistry registry, QueueSettings settings, string queueId,
        Func<int, object> question, CancellationToken cancellation)
    {
        if (!QueueId.TryGetPartition(queueId, out var partition) || partition >= settings.Partitions)
            return (null, Results.Json(new { error = $"'{queueId}' is not a queue id of this queue" }, ManagementEndpoints.Json, statusCode: 404));
        var partitions = await registry.GetAsync<QueueRegion>(cancellation);
        try
        {
            return (await partitions.Ask<object>(question(partition), Timeout, cancellation), null);
        }
        catch (AskTimeoutException)
        {
            // "Not found" would be a lie: the partition that knows is recovering or restarting.
            return (null, Results.Json(new { error = $"queue partition {partition} did not answer within {Timeout.TotalSeconds:0}s; try again" }, ManagementEndpoints.Json, statusCode: 503));
        }
    }
}
