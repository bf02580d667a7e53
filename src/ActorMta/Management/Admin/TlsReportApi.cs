using System.Globalization;
using System.Text.Json;
using ActorMta.Delivery.Sts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// GET /api/admin/tls-rpt/v1?domain=D&amp;date=YYYY-MM-DD: a destination domain's TLS-RPT report for one UTC day
/// (default: today) in RFC 8460's JSON shape, from this node's counts (in memory: a restart starts them again,
/// and each node of a fleet reports its own sessions).
/// </summary>
public static class TlsReportApi
{
    // RFC 8460 spells its fields itself (kebab-case), so no naming policy here.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapTlsReportApi(this IEndpointRouteBuilder routes, string organization)
    {
        routes.MapGet("/api/admin/tls-rpt/v1", (HttpRequest http, TlsReportBook book, TimeProvider clock) =>
        {
            var domain = http.Query["domain"].ToString().Trim();
            if (domain.Length == 0 || !MxPattern.IsValid(domain) || domain.StartsWith('*'))
                return AdminJson.Error(422, "domain is required: a destination domain name, e.g. ?domain=example.com");
            var date = http.Query["date"].ToString();
            var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (date.Length > 0 && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                return AdminJson.Error(400, $"date \"{date}\" is not YYYY-MM-DD");
            return book.Report(domain, day, organization) is { } report
                ? Results.Json(report, Json)
                : AdminJson.Error(404, $"no TLS sessions counted for {domain} on {day:yyyy-MM-dd} on this node");
        });
        return routes;
    }
}
