using System.Globalization;
using System.Text.Json;
using ActorMta.Delivery.Sts;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// GET /api/admin/tls-rpt/v1?domain=D&amp;date=YYYY-MM-DD: a destination domain's TLS-RPT report for one UTC day
/// (default: today) in RFC 8460's JSON shape, summed over every Up member of the fleet (each counts its own
/// sessions). The body stays RFC 8460's; header <see cref="NodesHeader"/> says how many members answered and
/// <see cref="MissingHeader"/> lists those that did not (the report then undercounts).
/// </summary>
public static class TlsReportApi
{
    public const string NodesHeader = "ActorMta-Nodes-Answered";
    public const string MissingHeader = "ActorMta-Nodes-Missing";

    // RFC 8460 spells its fields itself (kebab-case), so no naming policy here.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapTlsReportApi(this IEndpointRouteBuilder routes, string organization, TimeSpan askTimeout)
    {
        routes.MapGet("/api/admin/tls-rpt/v1", async (HttpContext http, ActorSystem system, TimeProvider clock) =>
        {
            var domain = http.Request.Query["domain"].ToString().Trim();
            if (domain.Length == 0 || !MxPattern.IsValid(domain) || domain.StartsWith('*'))
                return AdminJson.Error(422, "domain is required: a destination domain name, e.g. ?domain=example.com");
            var date = http.Request.Query["date"].ToString();
            var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (date.Length > 0 && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                return AdminJson.Error(400, $"date \"{date}\" is not YYYY-MM-DD");
            var (rows, answered, missing) = await FleetCountsAsync(system, new TlsReportCounts.GetCounts(MxPattern.Normalize(domain), day), askTimeout);
            http.Response.Headers[NodesHeader] = answered.ToString(CultureInfo.InvariantCulture);
            if (missing.Count > 0) http.Response.Headers[MissingHeader] = string.Join(", ", missing);
            return TlsReports.Sum(domain, day, organization, rows) is { } report
                ? Results.Json(report, Json)
                : AdminJson.Error(404, $"no TLS sessions counted for {domain} on {day:yyyy-MM-dd} by the {answered} node(s) that answered");
        });
        return routes;
    }

    /// <summary>Every Up member's counts (this node's too, through the same path), asked in parallel.</summary>
    private static async Task<(IReadOnlyList<TlsPolicyCounts> Rows, int Answered, IReadOnlyList<string> Missing)> FleetCountsAsync(
        ActorSystem system, TlsReportCounts.GetCounts ask, TimeSpan timeout)
    {
        var cluster = Cluster.Get(system);
        var members = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address)
            .Append(cluster.SelfAddress).Distinct().ToList();
        var answers = await Task.WhenAll(members.Select(async address =>
        {
            try
            {
                var selection = system.ActorSelection(new RootActorPath(address) / TlsReportCounts.Path);
                return (address, (await selection.Ask<TlsReportCounts.Counts>(ask, timeout)).Rows);
            }
            catch (AskTimeoutException)
            {
                return (address, (IReadOnlyList<TlsPolicyCounts>?)null);
            }
        }));
        return ([.. answers.SelectMany(a => a.Item2 ?? [])], answers.Count(a => a.Item2 is not null),
            [.. answers.Where(a => a.Item2 is null).Select(a => a.address.ToString())]);
    }
}
