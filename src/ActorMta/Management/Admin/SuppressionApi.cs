using ActorMta.Contracts;
using ActorMta.Suppression;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ActorMta.Management.Admin.SuppressionRequests;

namespace ActorMta.Management.Admin;

/// <summary>
/// The suppression list over HTTP, in the shape of KumoMTA's proposal (/api/admin/suppression/v1): add (POST), bulk add
/// (POST /bulk), remove (DELETE), check (GET /check), list with a cursor (GET) and summary (GET /summary). Changes need
/// an admin token, reads a read token (the management access check). Every answer comes from the shards, fleet-wide.
/// </summary>
public static class SuppressionApi
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapSuppressionApi(this IEndpointRouteBuilder routes, SuppressionSettings settings)
    {
        const string root = "/api/admin/suppression/v1";
        routes.MapPost(root, (HttpRequest http, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) => Unavailable(async () =>
        {
            var (request, error) = await AdminJson.ReadAsync<AddRequest>(http, cancellation);
            if (error is not null) return error;
            var (entry, refusal) = ToEntry(request!, clock.GetUtcNow());
            if (entry is null) return AdminJson.Error(422, refusal!);
            await AddAsync(registry, settings, [entry], cancellation);
            return Results.Json(new { added = 1, entry }, AdminJson.Options);
        }));
        routes.MapPost($"{root}/bulk", (HttpRequest http, ActorRegistry registry, TimeProvider clock, CancellationToken cancellation) => Unavailable(async () =>
        {
            var (bulk, error) = await AdminJson.ReadAsync<BulkRequest>(http, cancellation);
            if (error is not null) return error;
            if (bulk!.Entries is not { Count: > 0 }) return AdminJson.Error(422, "entries is required: a list of {recipient, scope, reason, duration or expires}");
            if (bulk.Entries.Count > settings.MaxBulkEntries)
                return AdminJson.Error(422, $"{bulk.Entries.Count} entries; at most {settings.MaxBulkEntries} per request (actormta.suppression.max-bulk-entries)");
            var now = clock.GetUtcNow();
            var (entries, failed) = (new List<SuppressionEntry>(bulk.Entries.Count), new List<BulkFailure>());
            foreach (var (request, index) in WithDefaults(bulk).Select((r, i) => (r, i)))
            {
                var (entry, refusal) = request is null ? (null, "the entry is null") : ToEntry(request, now);
                if (entry is null) failed.Add(new BulkFailure(index, request?.Recipient, refusal!));
                else entries.Add(entry);
            }
            if (entries.Count == 0) return Results.Json(new { error = "no entry is acceptable", added = 0, failed }, AdminJson.Options, statusCode: 422);
            await AddAsync(registry, settings, entries, cancellation);
            return Results.Json(new { added = entries.Count, failed }, AdminJson.Options);
        }));
        routes.MapDelete(root, (HttpRequest http, ActorRegistry registry, CancellationToken cancellation) => Unavailable(async () =>
        {
            var (request, error) = await AdminJson.ReadAsync<RemoveRequest>(http, cancellation);
            if (error is not null) return error;
            if (SuppressionAddress.Normalize(request!.Recipient) is not { } recipient) return AdminJson.Error(422, "recipient is required (local@domain)");
            var scope = request.Scope is null ? null : SuppressionScope.Parse(request.Scope);
            if (request.Scope is not null && scope is null) return AdminJson.Error(422, $"scope '{request.Scope}' is not one of global, domain:DOMAIN, user:NAME");
            var region = await registry.GetAsync<SuppressionRegion>(cancellation);
            var removed = await region.Ask<SuppressionShard.Removed>(
                new SuppressionShard.Remove(SuppressionAddress.Shard(recipient, settings.Shards), recipient, scope), Timeout, cancellation);
            return Results.Json(new { recipient, scope = scope ?? "all", removed = removed.Count }, AdminJson.Options);
        }));
        routes.MapGet($"{root}/check", (HttpRequest http, ActorRegistry registry, CancellationToken cancellation) => Unavailable(async () =>
        {
            if (SuppressionAddress.Normalize(http.Query["recipient"]) is not { } recipient)
                return AdminJson.Error(422, "recipient is required (?recipient=local@domain; optional &sender=ADDRESS and &user=NAME)");
            var region = await registry.GetAsync<SuppressionRegion>(cancellation);
            var verdict = await region.Ask<SuppressionVerdict>(new CheckSuppression(SuppressionAddress.Shard(recipient, settings.Shards), recipient,
                SuppressionScope.Of(http.Query["sender"], http.Query["user"])), Timeout, cancellation);
            return Results.Json(new { recipient, suppressed = verdict.Match is not null, entry = verdict.Match }, AdminJson.Options);
        }));
        routes.MapGet(root, (HttpRequest http, ActorRegistry registry, CancellationToken cancellation) => Unavailable(() => ListAsync(http, registry, settings, cancellation)));
        routes.MapGet($"{root}/summary", async (ActorRegistry registry, CancellationToken cancellation) =>
        {
            var region = await registry.GetAsync<SuppressionRegion>(cancellation);
            var asked = Enumerable.Range(0, settings.Shards).Select(s => region.Ask<SuppressionShard.Summary>(new SuppressionShard.GetSummary(s), Timeout, cancellation)).ToArray();
            try { await Task.WhenAll(asked); } catch (Exception e) when (e is AskTimeoutException or TaskCanceledException) { /* listed below */ }
            var answered = asked.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToArray();
            var unanswered = Enumerable.Range(0, settings.Shards).Except(answered.Select(a => a.Shard)).ToArray();
            var body = new
            {
                total = answered.Sum(a => a.Total),
                by_source = Merge(answered.Select(a => a.BySource)),
                by_scope = Merge(answered.Select(a => a.ByScope)),
                shards = settings.Shards,
                unanswered_shards = unanswered,
            };
            return Results.Json(body, AdminJson.Options, statusCode: unanswered.Length == 0 ? 200 : 503);
        });
        return routes;
    }

    /// <summary>One page: from the cursor's shard on, shard by shard, until the page is full.</summary>
    private static async Task<IResult> ListAsync(HttpRequest http, ActorRegistry registry, SuppressionSettings settings, CancellationToken cancellation)
    {
        var limit = settings.MaxPageSize;
        if (http.Query["limit"] is { Count: > 0 } text && (!int.TryParse(text, out limit) || limit < 1 || limit > settings.MaxPageSize))
            return AdminJson.Error(422, $"limit is 1 to {settings.MaxPageSize} (actormta.suppression.max-page-size)");
        string? scope = null;
        if (http.Query["scope"] is { Count: > 0 } scopeText && (scope = SuppressionScope.Parse(scopeText)) is null)
            return AdminJson.Error(422, $"scope '{scopeText}' is not one of global, domain:DOMAIN, user:NAME");
        (int Shard, string Recipient, string Scope)? after = null;
        if (http.Query["cursor"] is { Count: > 0 } cursor && (after = ParseCursor(cursor!, settings.Shards)) is null)
            return AdminJson.Error(400, "cursor is not one this API gave (use next_cursor from the previous page)");
        var region = await registry.GetAsync<SuppressionRegion>(cancellation);
        var (entries, lastShard) = (new List<SuppressionEntry>(), 0);
        for (var shard = after?.Shard ?? 0; shard < settings.Shards && entries.Count < limit; shard++)
        {
            var fromHere = after is { } a && a.Shard == shard;
            var page = await region.Ask<SuppressionShard.Page>(new SuppressionShard.List(shard, fromHere ? after!.Value.Recipient : null,
                fromHere ? after!.Value.Scope : null, limit - entries.Count, scope), Timeout, cancellation);
            entries.AddRange(page.Entries);
            lastShard = shard;
        }
        var next = entries.Count == limit ? Cursor(lastShard, entries[^1]) : null;
        return Results.Json(new { entries, next_cursor = next }, AdminJson.Options);
    }

    /// <summary>A shard that does not answer in time (moving, recovering, the journal down): 503, try again.</summary>
    private static async Task<IResult> Unavailable(Func<Task<IResult>> run)
    {
        try
        {
            return await run();
        }
        catch (AskTimeoutException)
        {
            return AdminJson.Error(503, $"a suppression shard did not answer within {Timeout.TotalSeconds:0}s; try again");
        }
    }

    private static async Task AddAsync(ActorRegistry registry, SuppressionSettings settings, IReadOnlyList<SuppressionEntry> entries, CancellationToken cancellation)
    {
        var region = await registry.GetAsync<SuppressionRegion>(cancellation);
        await Task.WhenAll(entries.GroupBy(e => SuppressionAddress.Shard(e.Recipient, settings.Shards))
            .Select(shard => region.Ask<RecipientsSuppressed>(new SuppressRecipients(shard.Key, [.. shard]), Timeout, cancellation)));
    }

    private static SortedDictionary<string, int> Merge(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in counts.SelectMany(c => c)) merged[key] = merged.GetValueOrDefault(key) + count;
        return merged;
    }
}
