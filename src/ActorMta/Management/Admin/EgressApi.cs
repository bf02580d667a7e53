using ActorMta.Delivery;
using ActorMta.Delivery.Egress;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// GET /api/admin/egress/v1: this node's egress sources with today's warm-up usage per provider group and the cap
/// (counts are per node: source addresses are), the named pools with their weights, how a message picks one (the
/// header field and the AUTH users' tenant pools), and the provider groups.
/// </summary>
public static class EgressApi
{
    /// <param name="Day">The schedule's day number (1 = the first UTC day the source sent to the group).</param>
    /// <param name="Cap">Today's cap; null: none (past the schedule's last day).</param>
    public sealed record ProviderUsage(int Day, int Sent, int? Cap, bool Capped);

    /// <param name="Warmup">The schedule, messages per day by day number; empty: no warm-up (no caps).</param>
    public sealed record SourceView(string Name, string? Address, string EhloName, IReadOnlyList<int> Warmup, IReadOnlyDictionary<string, ProviderUsage> Providers);

    public sealed record PoolMember(string Source, int Weight);

    public sealed record EgressView(
        string Node,
        DateOnly Today,
        DateTimeOffset CapsResetAt,
        IReadOnlyList<SourceView> Sources,
        IReadOnlyDictionary<string, IReadOnlyList<PoolMember>> Pools,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Providers,
        string? StateFile,
        string? LastWriteError,
        string PoolHeader,
        IReadOnlyDictionary<string, string> TenantPools);

    public static IEndpointRouteBuilder MapEgressApi(this IEndpointRouteBuilder routes, DeliverySettings delivery, WarmUp warmUp)
    {
        routes.MapGet("/api/admin/egress/v1", () => Results.Json(View(delivery, warmUp), AdminJson.Options));
        return routes;
    }

    public static EgressView View(DeliverySettings delivery, WarmUp warmUp)
    {
        var today = warmUp.TodayAll().ToLookup(t => t.Source, StringComparer.Ordinal);
        var pools = delivery.Pools;
        var choice = pools?.Choice ?? ActorMta.Contracts.PoolChoice.None;
        var sources = (pools?.Sources ?? []).OrderBy(s => s.Name, StringComparer.Ordinal).Select(source => new SourceView(
            source.Name,
            source.Address?.ToString(),
            source.EhloName,
            warmUp.Settings.Schedules.TryGetValue(source.Name, out var schedule) ? schedule : [],
            today[source.Name].ToDictionary(t => t.Group, t => new ProviderUsage(t.DayNumber, t.Sent, t.Cap, t.Cap is { } cap && t.Sent >= cap), StringComparer.Ordinal)));
        return new EgressView(
            delivery.Hostname,
            DateOnly.FromDateTime(warmUp.Clock.GetUtcNow().UtcDateTime),
            warmUp.NextDay,
            [.. sources],
            (pools?.Named ?? new Dictionary<string, EgressPool>()).ToDictionary(p => p.Key, p => (IReadOnlyList<PoolMember>)[.. p.Value.Sources.Select(s => new PoolMember(s.Source.Name, s.Weight))], StringComparer.Ordinal),
            warmUp.Settings.Providers.ToDictionary(g => g.Name, g => (IReadOnlyList<string>)[.. g.MxHosts.Select(p => p.Text)], StringComparer.Ordinal),
            warmUp.Settings.File,
            warmUp.LastWriteError,
            choice.HeaderField,
            choice.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
    }
}
