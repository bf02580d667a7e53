using System.Globalization;
using System.Text.RegularExpressions;
using ActorMta.Delivery;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ActorMta.Contracts;

namespace ActorMta.Management;

/// <summary>
/// The delivery API: every running domain's delivery state (suspended until, limits now,
/// connections, backlog, recent changes) across the fleet, one domain's state, and an
/// operator's suspend and resume of a domain.
/// </summary>
public static partial class DeliveryEndpoints
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public sealed record SuspendRequest(string? For, string? Reason);

    public sealed record DomainsView(IReadOnlyList<DomainDelivery.DomainStatus> Domains, IReadOnlyList<string> UnansweredNodes);

    public static IEndpointRouteBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/delivery/domains", async (ActorSystem system, ActorRegistry registry, CancellationToken cancellation) =>
        {
            var region = await registry.GetAsync<DomainDelivery>(cancellation);
            var view = await GatherAsync(system, region, cancellation);
            return Results.Json(view, ManagementEndpoints.Json, statusCode: view.UnansweredNodes.Count == 0 ? 200 : 503);
        });
        routes.MapGet("/delivery/domains/{domain}", async (string domain, ActorRegistry registry, CancellationToken cancellation) =>
            await AskAsync(registry, new DomainDelivery.GetStatus(Normalize(domain)), cancellation));
        // A JSON body {"for": "30m", "reason": "..."}, never the query string: a link or a form cannot carry it.
        routes.MapPost("/delivery/domains/{domain}/suspend", async (string domain, HttpRequest request, ActorRegistry registry, CancellationToken cancellation) =>
        {
            var (body, error) = await Admin.AdminJson.ReadAsync(request, cancellation, whenEmpty: new SuspendRequest(null, null));
            if (error is not null) return error;
            var duration = ParseDuration(body!.For ?? "1h");
            if (duration is null)
                return Results.Json(new { error = $"'for' must be a duration such as 90s, 30m, 2h or 1d, not '{body.For}'" }, ManagementEndpoints.Json, statusCode: 400);
            return await AskAsync(registry, new DomainDelivery.Suspend(Normalize(domain), duration.Value, body.Reason ?? "suspended through the management API"), cancellation);
        });
        routes.MapPost("/delivery/domains/{domain}/resume", async (string domain, ActorRegistry registry, CancellationToken cancellation) =>
            await AskAsync(registry, new DomainDelivery.Resume(Normalize(domain)), cancellation));
        return routes;
    }

    /// <summary>Asks every Up node's region which domains it runs (no actor is started by that), then each of those domains.</summary>
    internal static async Task<DomainsView> GatherAsync(ActorSystem system, IActorRef region, CancellationToken cancellation)
    {
        var members = Cluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up).ToArray();
        var states = members
            .Select(m => system.ActorSelection($"{m.Address}/system/sharding/{DeliveryStage.RegionName}")
                .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Timeout, cancellation))
            .ToArray();
        try { await Task.WhenAll(states); }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException) { /* listed below */ }

        var unanswered = members.Where((_, i) => !states[i].IsCompletedSuccessfully).Select(m => m.Address.ToString()).ToList();
        var domains = states.Where(s => s.IsCompletedSuccessfully).SelectMany(s => s.Result.Shards.SelectMany(shard => shard.EntityIds)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var statuses = domains.Select(d => region.Ask<DomainDelivery.DomainStatus>(new DomainDelivery.GetStatus(d), Timeout, cancellation)).ToArray();
        try { await Task.WhenAll(statuses); }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException) { /* a domain that just stopped is left out */ }
        return new DomainsView([.. statuses.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result)], unanswered);
    }

    private static async Task<IResult> AskAsync(ActorRegistry registry, IWithDomain question, CancellationToken cancellation)
    {
        if (question.Domain.Length == 0 || question.Domain.Length > 255)
            return Results.Json(new { error = "not a domain" }, ManagementEndpoints.Json, statusCode: 400);
        var region = await registry.GetAsync<DomainDelivery>(cancellation);
        var status = await region.Ask<DomainDelivery.DomainStatus>(question, Timeout, cancellation);
        return Results.Json(status, ManagementEndpoints.Json);
    }

    internal static string Normalize(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();

    internal static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000) return null;
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    [GeneratedRegex("^([0-9]+)(ms|s|m|h|d)$")]
    private static partial Regex DurationPattern();
}
