using System.Globalization;
using System.Text.Json.Serialization;

namespace ActorMta.Delivery.Sts;

/// <summary>One policy's TLS-RPT counts for a destination domain on a UTC day: what the state file keeps, what
/// nodes of a fleet send each other, and what a report sums (rows of several nodes add up).</summary>
/// <param name="Policy">The policy text (null: no policy found).</param>
public sealed record TlsPolicyCounts(DateOnly Day, string Domain, string? Policy, IReadOnlyList<string> MxHosts, long Successes,
    IReadOnlyList<TlsFailureCount> Failures);

/// <summary>Failed sessions grouped as RFC 8460 4.4 groups them.</summary>
public sealed record TlsFailureCount(string ResultType, string? SendingMtaIp, string? ReceivingMxHostname, string? ReceivingIp,
    string? FailureReasonCode, long Sessions)
{
    [JsonIgnore]
    public (string, string?, string?, string?, string?) Key => (ResultType, SendingMtaIp, ReceivingMxHostname, ReceivingIp, FailureReasonCode);
}

public static class TlsReports
{
    /// <summary>The day's report for a domain in RFC 8460's JSON shape, summed over <paramref name="counts"/>
    /// (one node's, or every node's); null when nothing was counted.</summary>
    public static TlsReport? Sum(string domain, DateOnly day, string organization, IEnumerable<TlsPolicyCounts> counts)
    {
        domain = MxPattern.Normalize(domain);
        var policies = counts.Where(c => c.Day == day && c.Domain == domain).GroupBy(c => c.Policy ?? "", StringComparer.Ordinal).ToList();
        if (policies.Count == 0) return null;
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return new TlsReport(organization,
            new TlsReportDateRange(start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                start.AddDays(1).AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            $"postmaster@{organization}",
            $"{day:yyyy-MM-dd}.{domain}@{organization}",
            [.. policies.Select(p =>
            {
                var failures = p.SelectMany(c => c.Failures).GroupBy(f => f.Key)
                    .Select(g => g.First() with { Sessions = g.Sum(f => f.Sessions) }).ToList();
                var first = p.First();
                return new TlsReportPolicy(
                    new TlsReportPolicyDescription(first.Policy is null ? "no-policy-found" : "sts",
                        first.Policy is null ? [] : first.Policy.Split("\r\n"), domain, first.Policy is null ? [] : first.MxHosts),
                    new TlsReportSummary(p.Sum(c => c.Successes), failures.Sum(f => f.Sessions)),
                    [.. failures.Select(f => new TlsReportFailure(f.ResultType, f.SendingMtaIp, f.ReceivingMxHostname, f.ReceivingIp, f.Sessions, f.FailureReasonCode))]);
            })]);
    }
}

/// <summary>RFC 8460 section 4 report, field names as the RFC spells them.</summary>
public sealed record TlsReport(
    [property: JsonPropertyName("organization-name")] string OrganizationName,
    [property: JsonPropertyName("date-range")] TlsReportDateRange DateRange,
    [property: JsonPropertyName("contact-info")] string ContactInfo,
    [property: JsonPropertyName("report-id")] string ReportId,
    [property: JsonPropertyName("policies")] IReadOnlyList<TlsReportPolicy> Policies);

public sealed record TlsReportDateRange(
    [property: JsonPropertyName("start-datetime")] string Start,
    [property: JsonPropertyName("end-datetime")] string End);

public sealed record TlsReportPolicy(
    [property: JsonPropertyName("policy")] TlsReportPolicyDescription Policy,
    [property: JsonPropertyName("summary")] TlsReportSummary Summary,
    [property: JsonPropertyName("failure-details")] IReadOnlyList<TlsReportFailure> FailureDetails);

public sealed record TlsReportPolicyDescription(
    [property: JsonPropertyName("policy-type")] string PolicyType,
    [property: JsonPropertyName("policy-string")] IReadOnlyList<string> PolicyString,
    [property: JsonPropertyName("policy-domain")] string PolicyDomain,
    [property: JsonPropertyName("mx-host")] IReadOnlyList<string> MxHost);

public sealed record TlsReportSummary(
    [property: JsonPropertyName("total-successful-session-count")] long Successful,
    [property: JsonPropertyName("total-failure-session-count")] long Failed);

public sealed record TlsReportFailure(
    [property: JsonPropertyName("result-type")] string ResultType,
    [property: JsonPropertyName("sending-mta-ip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SendingMtaIp,
    [property: JsonPropertyName("receiving-mx-hostname"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceivingMxHostname,
    [property: JsonPropertyName("receiving-ip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceivingIp,
    [property: JsonPropertyName("failed-session-count")] long FailedSessionCount,
    [property: JsonPropertyName("failure-reason-code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FailureReasonCode);
