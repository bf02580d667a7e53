using System.Text.Json;
using ActorMta.Fleet;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Management;

/// <summary>
/// The node's management HTTP routes, in Akka.Management's shape: /health/alive, /health/ready,
/// /cluster/members, and /metrics for Prometheus. Served by the node's own Kestrel (see ../shared/PACKAGES.md).
/// </summary>
public static class ManagementEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/alive", HealthOptions(LiveTag));
        routes.MapHealthChecks("/health/ready", HealthOptions(ReadyTag));
        // Prometheus text format from the OpenTelemetry meter provider (the host's NodeMetrics); behind ManagementAccess like every route.
        routes.MapPrometheusScrapingEndpoint("/metrics");
        routes.MapGet("/cluster/members", async (ActorRegistry registry, CancellationToken cancellation) =>
        {
            var view = await registry.GetAsync<ClusterMembersView>(cancellation);
            var snapshot = await view.Ask<ClusterMembersView.Snapshot>(ClusterMembersView.Get.Instance, TimeSpan.FromSeconds(5), cancellation);
            return Results.Json(snapshot, Json);
        });
        // Akka Management's shape: the shards of a region that this node hosts, with their entity counts.
        routes.MapGet("/cluster/shards/{region}", async (string region, ActorSystem system, CancellationToken cancellation) =>
        {
            if (!Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardTypeNames.Contains(region))
                return Results.Json(new { message = $"Shard region [{region}] not found" }, Json, statusCode: StatusCodes.Status404NotFound);
            var stats = await Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(region)
                .Ask<Akka.Cluster.Sharding.ShardRegionStats>(Akka.Cluster.Sharding.GetShardRegionStats.Instance, TimeSpan.FromSeconds(5), cancellation);
            return Results.Json(new { regions = stats.Stats.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new { shardId = s.Key, numEntities = s.Value }) }, Json);
        });
        // Akka Management's cluster HTTP API: a member leaves gracefully (hands its shards over, then exits).
        routes.MapPost("/cluster/members/{address}/leave", (string address, ActorSystem system) => Leave(system, address));
        routes.MapDelete("/cluster/members/{address}", (string address, ActorSystem system) => Leave(system, address));
        return routes;
    }

    /// <param name="address">As Akka Management takes it: akka.tcp://actormta@host:port (URL-encoded), actormta@host:port, or host:port.</param>
    private static IResult Leave(ActorSystem system, string address)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var wanted = Uri.UnescapeDataString(address);
        var member = cluster.State.Members.FirstOrDefault(m =>
        {
            var full = m.Address.ToString();
            return full == wanted || full.EndsWith("://" + wanted, StringComparison.Ordinal) || full.EndsWith("@" + wanted, StringComparison.Ordinal);
        });
        if (member is null) return Results.Json(new { message = $"Member [{wanted}] not found" }, Json, statusCode: StatusCodes.Status404NotFound);
        cluster.Leave(member.Address);
        return Results.Json(new { message = $"Leaving {member.Address}" }, Json);
    }

    private static HealthCheckOptions HealthOptions(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = WriteHealthReport,
    };

    private static Task WriteHealthReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (context.Items[Access.ManagementAccess.DetailAllowed] is not true)
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Json));
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
