using ActorMta.Delivery.State;

namespace ActorMta.Delivery.Sts;

/// <summary>
/// TLS-RPT counts (RFC 8460) per destination domain per UTC day, on this node: successful sessions and failures by
/// result type, per policy applied. Only today and the <see cref="DaysKept"/> days before it are kept. With a file
/// (<see cref="TlsReportFile"/>) the counts survive a restart: read at start, written at most once per few seconds
/// and at a clean stop. Thread-safe.
/// </summary>
public sealed class TlsReportBook : IDisposable
{
    public const int DefaultDaysKept = 8;

    private sealed class PolicyCounts(string? text, IReadOnlyList<string> mxHosts)
    {
        public string? Text { get; } = text;
        public IReadOnlyList<string> MxHosts { get; } = mxHosts;
        public long Successes;
        public readonly Dictionary<(string, string?, string?, string?, string?), long> Failures = [];
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<(DateOnly Day, string Domain), Dictionary<string, PolicyCounts>> _days = [];
    private readonly TimeProvider _clock;
    private readonly TlsReportFile? _file;
    private readonly CoalescedWrites? _writes;

    /// <summary>In memory only (tests).</summary>
    public TlsReportBook() : this(null, DefaultDaysKept, TimeProvider.System, TimeSpan.Zero) { }

    /// <param name="file">The state file (null: memory only); a file that cannot be read throws SettingException.</param>
    /// <param name="writeEvery">At most one write of the file per this interval.</param>
    public TlsReportBook(string? file, int daysKept, TimeProvider clock, TimeSpan writeEvery, Action<Exception>? writeFailed = null)
    {
        DaysKept = daysKept;
        _clock = clock;
        if (file is null) return;
        _file = new TlsReportFile(file);
        foreach (var counts in _file.Load()) Add(counts);
        Prune(Today);
        _writes = new CoalescedWrites(() => _file.Save(All()), writeEvery, clock, writeFailed);
    }

    public int DaysKept { get; }

    private DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    public void Succeeded(DateTimeOffset at, string domain, MtaStsPolicy? policy)
    {
        lock (_gate) CountsFor(DateOnly.FromDateTime(at.UtcDateTime), MxPattern.Normalize(domain), policy?.Text, policy is null ? [] : [.. policy.MxPatterns]).Successes++;
        _writes?.Changed();
    }

    /// <param name="resultType">RFC 8460 4.3: starttls-not-supported, certificate-host-mismatch, sts-policy-fetch-error, ...</param>
    public void Failed(DateTimeOffset at, string domain, MtaStsPolicy? policy, string resultType,
        string? mxHost = null, string? receivingIp = null, string? sendingIp = null, string? reasonCode = null)
    {
        var key = (resultType, sendingIp, mxHost, receivingIp, reasonCode);
        lock (_gate)
        {
            var failures = CountsFor(DateOnly.FromDateTime(at.UtcDateTime), MxPattern.Normalize(domain), policy?.Text, policy is null ? [] : [.. policy.MxPatterns]).Failures;
            failures[key] = failures.GetValueOrDefault(key) + 1;
        }
        _writes?.Changed();
    }

    /// <summary>Discovery or fetch of the policy failed (counted under the policy still in force, or no-policy-found).</summary>
    public void PolicyFailed(DateTimeOffset at, string domain, MtaStsPolicy? cached, string resultType) => Failed(at, domain, cached, resultType);

    /// <summary>This node's report for a domain and day in RFC 8460's JSON shape; null when nothing was counted.</summary>
    public TlsReport? Report(string domain, DateOnly day, string organization) =>
        TlsReports.Sum(domain, day, organization, Counts(domain, day));

    /// <summary>This node's counts for a domain and day, one row per policy.</summary>
    public IReadOnlyList<TlsPolicyCounts> Counts(string domain, DateOnly day)
    {
        domain = MxPattern.Normalize(domain);
        lock (_gate)
            return _days.TryGetValue((day, domain), out var policies) ? [.. policies.Values.Select(p => Row(day, domain, p))] : [];
    }

    /// <summary>Every count kept (for the state file).</summary>
    public IReadOnlyList<TlsPolicyCounts> All()
    {
        lock (_gate)
        {
            Prune(Today);
            return [.. _days.SelectMany(d => d.Value.Values.Select(p => Row(d.Key.Day, d.Key.Domain, p)))];
        }
    }

    private static TlsPolicyCounts Row(DateOnly day, string domain, PolicyCounts p) =>
        new(day, domain, p.Text, p.MxHosts, p.Successes,
            [.. p.Failures.Select(f => new TlsFailureCount(f.Key.Item1, f.Key.Item2, f.Key.Item3, f.Key.Item4, f.Key.Item5, f.Value))]);

    private void Add(TlsPolicyCounts row)
    {
        var counts = CountsFor(row.Day, MxPattern.Normalize(row.Domain), row.Policy, row.MxHosts);
        counts.Successes += row.Successes;
        foreach (var f in row.Failures) counts.Failures[f.Key] = counts.Failures.GetValueOrDefault(f.Key) + f.Sessions;
    }

    private PolicyCounts CountsFor(DateOnly day, string domain, string? policy, IReadOnlyList<string> mxHosts)
    {
        var key = (day, domain);
        if (!_days.TryGetValue(key, out var policies))
        {
            Prune(day);
            _days[key] = policies = new Dictionary<string, PolicyCounts>(StringComparer.Ordinal);
        }
        var policyKey = policy ?? "";
        if (!policies.TryGetValue(policyKey, out var counts)) policies[policyKey] = counts = new PolicyCounts(policy, mxHosts);
        return counts;
    }

    /// <summary>Drops the days a report can no longer be asked for.</summary>
    private void Prune(DateOnly today)
    {
        foreach (var old in _days.Keys.Where(k => k.Day < today.AddDays(-DaysKept)).ToList()) _days.Remove(old);
    }

    /// <summary>Writes what is not on disk yet (a clean stop keeps every count).</summary>
    public void Dispose() => _writes?.Dispose();
}
