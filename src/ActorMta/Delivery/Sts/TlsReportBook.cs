using System.Text.Json.Serialization;

namespace ActorMta.Delivery.Sts;

/// <summary>
/// TLS-RPT counts (RFC 8460) per destination domain per UTC day, on this node, in memory: successful sessions and
/// failures by result type, per policy applied. Days older than <see cref="DaysKept"/> are dropped. Thread-safe.
/// </summary>
public sealed class TlsReportBook
{
    public const int DaysKept = 8;

    /// <summary>What one failure row groups by (RFC 8460 4.4).</summary>
    private sealed record FailureKey(string ResultType, string? SendingMtaIp, string? ReceivingMxHostname, string? ReceivingIp, string? FailureReasonCode);

    private sealed class PolicyCounts(MtaStsPolicy? policy)
    {
        public MtaStsPolicy? Policy { get; } = policy;
        public long Successes;
        public readonly Dictionary<FailureKey, long> Failures = [];
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<(DateOnly Day, string Domain), Dictionary<string, PolicyCounts>> _days = [];

    public void Succeeded(DateTimeOffset at, string domain, MtaStsPolicy? policy)
    {
        lock (_gate) CountsFor(at, domain, policy).Successes++;
    }

    /// <param name="resultType">RFC 8460 4.3: starttls-not-supported, certificate-host-mismatch, sts-policy-fetch-error, ...</param>
    public void Failed(DateTimeOffset at, string domain, MtaStsPolicy? policy, string resultType,
        string? mxHost = null, string? receivingIp = null, string? sendingIp = null, string? reasonCode = null)
    {
        var key = new FailureKey(resultType, sendingIp, mxHost, receivingIp, reasonCode);
        lock (_gate)
        {
            var failures = CountsFor(at, domain, policy).Failures;
            failures[key] = failures.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Discovery or fetch of the policy failed (counted under the policy still in force, or no-policy-found).</summary>
    public void PolicyFailed(DateTimeOffset at, string domain, MtaStsPolicy? cached, string resultType) => Failed(at, domain, cached, resultType);

    /// <summary>The day's report for a domain in RFC 8460's JSON shape; null when nothing was counted.</summary>
    public TlsReport? Report(string domain, DateOnly day, string organization)
    {
        domain = MxPattern.Normalize(domain);
        lock (_gate)
        {
            if (!_days.TryGetValue((day, domain), out var policies)) return null;
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            return new TlsReport(organization,
                new TlsReportDateRange(start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    start.AddDays(1).AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                $"postmaster@{organization}",
                $"{day:yyyy-MM-dd}.{domain}@{organization}",
                [.. policies.Values.Select(p => new TlsReportPolicy(
                    new TlsReportPolicyDescription(p.Policy is null ? "no-policy-found" : "sts",
                        p.Policy is null ? [] : p.Policy.Text.Split("\r\n"), domain, p.Policy is null ? [] : [.. p.Policy.MxPatterns]),
                    new TlsReportSummary(p.Successes, p.Failures.Values.Sum()),
                    [.. p.Failures.Select(f => new TlsReportFailure(f.Key.ResultType, f.Key.SendingMtaIp, f.Key.ReceivingMxHostname, f.Key.ReceivingIp, f.Value, f.Key.FailureReasonCode))]))]);
        }
    }

    private PolicyCounts CountsFor(DateTimeOffset at, string domain, MtaStsPolicy? policy)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var key = (day, MxPattern.Normalize(domain));
        if (!_days.TryGetValue(key, out var policies))
        {
            foreach (var old in _days.Keys.Where(k => k.Day < day.AddDays(-DaysKept)).ToList()) _days.Remove(old);
            _days[key] = policies = new Dictionary<string, PolicyCounts>(StringComparer.Ordinal);
        }
        var policyKey = policy?.Text ?? "";
        if (!policies.TryGetValue(policyKey, out var counts)) policies[policyKey] = counts = new PolicyCounts(policy);
        return counts;
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
