using System.Security.Cryptography;
using System.Text;
using ActorMta.Delivery;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using ActorMta.Contracts;

namespace ActorMta.Management.Admin;

/// <summary>
/// What the suspend and bounce APIs share about a domain's operator rule: an id the same from every node
/// (a digest of what the rule is and when it ends, new for each new rule), and KumoMTA's "time left".
/// </summary>
internal static class OperatorRules
{
    public sealed record CancelRequest(Guid? Id);

    /// <summary>Every running domain's status across the fleet (where the rules are), and the time now.</summary>
    public static async Task<(IReadOnlyList<DomainDelivery.DomainStatus> Domains, DateTimeOffset Now)> DomainsAsync(ActorSystem system, ActorRegistry registry,
        TimeProvider clock, CancellationToken cancellation)
    {
        var region = await registry.GetAsync<DomainDelivery>(cancellation);
        var view = await DeliveryEndpoints.GatherAsync(system, region, cancellation);
        return (view.Domains, clock.GetUtcNow());
    }

    /// <summary>DELETE {id}: the rule listed under that id ends (its domain's actor is told <paramref name="cancel"/>); 404 if none is.</summary>
    /// <param name="what">The rule's name for the 404: "suspension", "bounce".</param>
    public static async Task<IResult> CancelAsync(HttpRequest http, Func<Task<IEnumerable<(Guid Id, string Domain)>>> listed, Func<string, IWithDomain> cancel,
        string what, ActorRegistry registry, CancellationToken cancellation)
    {
        var (request, error) = await AdminJson.ReadAsync<CancelRequest>(http, cancellation);
        if (error is not null) return error;
        if (request!.Id is not { } id) return AdminJson.Error(422, "id is required");
        var domain = (await listed()).Where(e => e.Id == id).Select(e => e.Domain).FirstOrDefault();
        if (domain is null) return AdminJson.Error(404, $"no such {what}: it expired, was cancelled, or never existed");
        var region = await registry.GetAsync<DomainDelivery>(cancellation);
        await region.Ask<DomainDelivery.DomainStatus>(cancel(domain), DeliveryEndpoints.Timeout, cancellation);
        return Results.Json(new { id, domain }, AdminJson.Options);
    }

    public static Guid IdOf(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));

    /// <summary>Time left, e.g. "1h 59m 58s", as KumoMTA lists it.</summary>
    public static string Remaining(TimeSpan left) =>
        string.Join(' ', new[] { (left.Days, "d"), (left.Hours, "h"), (left.Minutes, "m"), (left.Seconds, "s") }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1}{p.Item2}")) is { Length: > 0 } text ? text : "0s";

    /// <summary>The length of a rule from KumoMTA's duration ("90s", "30m", "2h", "1d") or expires; null if neither is usable.</summary>
    public static TimeSpan? LengthOf(string? duration, DateTimeOffset? expires, DateTimeOffset now, TimeSpan? otherwise = null)
    {
        var length = expires is { } end ? end - now
            : duration is { } text ? DeliveryEndpoints.ParseDuration(text) : otherwise;
        return length > TimeSpan.Zero ? length : null;
    }
}
