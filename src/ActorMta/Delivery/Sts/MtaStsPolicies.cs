using System.Collections.Concurrent;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Egress;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorMta.Delivery.Sts;

/// <summary>
/// A domain's MTA-STS policy as delivery should apply it now. <see cref="Policy"/> null: none (deliver as without
/// MTA-STS). <see cref="FailureType"/> set: the last discovery or fetch failed (TLS-RPT's result type), and
/// <see cref="Policy"/> is the cached one still in force, if any (RFC 8461 5.1).
/// </summary>
public sealed record StsLookup(MtaStsPolicy? Policy, string? FailureType, string Problem)
{
    public static readonly StsLookup NoPolicy = new(null, null, "");
}

/// <summary>
/// The node's MTA-STS policies, per destination domain: discovered through the TXT record, fetched over HTTPS, kept for
/// their max_age (capped), and fetched again only when the record's id changes (RFC 8461 5.1). A failed refresh keeps
/// the cached policy in force until it expires; a failure with nothing cached means no policy (logged, and counted for
/// TLS-RPT). Concurrent lookups of a domain share one; the TXT record is asked again after its TTL (bounded).
/// Thread-safe; one instance per node.
/// </summary>
public sealed class MtaStsPolicies : IDisposable
{
    /// <summary>After a failure, the domain is looked at again this soon (not on every connection).</summary>
    private static readonly TimeSpan RetryFailureAfter = TimeSpan.FromMinutes(1);

    private sealed record Entry(MtaStsPolicy? Policy, string? Id, DateTimeOffset PolicyExpires, DateTimeOffset RecheckAt, StsLookup Last);

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<StsLookup>>> _inFlight = new(StringComparer.Ordinal);
    private readonly MtaStsSettings _settings;
    private readonly MtaStsFetcher? _fetcher;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;

    public MtaStsPolicies(MtaStsSettings settings, MailExchangerResolverSettings dns, DestinationSettings destinations, TlsReportBook reports,
        TimeProvider? clock = null, ILogger? log = null)
    {
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        Reports = reports;
        Judge = new CertificateJudge(settings.TrustedAuthorities, _clock);
        if (settings.Enabled) _fetcher = new MtaStsFetcher(settings, MailExchangerResolver.CreateClient(dns), dns, destinations, Judge);
    }

    public bool Enabled => _settings.Enabled;

    /// <summary>Judges MX and policy host certificates (system roots plus the configured extra CAs).</summary>
    public CertificateJudge Judge { get; }

    /// <summary>Where TLS-RPT counts go.</summary>
    public TlsReportBook Reports { get; }

    public int CachedDomainCount => _cache.Count;

    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>The policy for <paramref name="domain"/> (an ASCII host name); never throws for DNS or HTTPS trouble.</summary>
    public Task<StsLookup> GetAsync(string domain)
    {
        if (_fetcher is null) return Task.FromResult(StsLookup.NoPolicy);
        domain = MxPattern.Normalize(domain);
        if (_cache.TryGetValue(domain, out var entry) && _clock.GetUtcNow() < entry.RecheckAt) return Task.FromResult(entry.Last);
        var shared = _inFlight.GetOrAdd(domain, d => new Lazy<Task<StsLookup>>(() => RefreshAsync(d)));
        return shared.Value;
    }

    private async Task<StsLookup> RefreshAsync(string domain)
    {
        try
        {
            return await LookUpAsync(domain).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(domain, out _);
        }
    }

    private async Task<StsLookup> LookUpAsync(string domain)
    {
        var cached = _cache.TryGetValue(domain, out var entry) && entry.Policy is not null && _clock.GetUtcNow() < entry.PolicyExpires ? entry : null;
        var record = await _fetcher!.LookUpRecordAsync(domain).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        switch (record.State)
        {
            case StsRecordState.Failed or StsRecordState.Absent when cached is not null:
                // The record is gone or unreachable, but a policy is cached: it stays in force until it expires.
                return Keep(domain, cached, now + RetryFailureAfter, cached.Last with { FailureType = null, Problem = "" });
            case StsRecordState.Failed or StsRecordState.Absent:
                return Keep(domain, null, now + (record.State == StsRecordState.Failed ? RetryFailureAfter : _settings.RecheckAfter), StsLookup.NoPolicy);
            case StsRecordState.Found when cached is not null && cached.Id == record.Id:
                return Keep(domain, cached, now + Recheck(record.TimeToLive), cached.Last);
        }

        var fetched = await _fetcher.FetchAsync(domain, CancellationToken.None).ConfigureAwait(false);
        now = _clock.GetUtcNow();
        if (fetched.Policy is { } policy)
        {
            _log.LogInformation("MTA-STS policy of {Domain} (id {Id}): mode {Mode}, mx {Mx}, max_age {MaxAge}s",
                domain, record.Id, policy.ModeName, string.Join(" ", policy.MxPatterns), (long)policy.MaxAge.TotalSeconds);
            var maxAge = policy.MaxAge < _settings.MaxAgeCap ? policy.MaxAge : _settings.MaxAgeCap;
            var lookup = new StsLookup(policy, null, "");
            return Keep(domain, new Entry(policy, record.Id, now + maxAge, now, lookup), now + Recheck(record.TimeToLive), lookup);
        }
        Reports.PolicyFailed(now, domain, cached?.Policy, fetched.ResultType);
        if (cached is not null)
        {
            _log.LogWarning("MTA-STS policy of {Domain}: refresh for id {Id} failed ({Problem}); the cached policy (mode {Mode}) stays in force until {Expires:u}",
                domain, record.Id, fetched.Problem, cached.Policy!.ModeName, cached.PolicyExpires);
            return Keep(domain, cached, now + RetryFailureAfter, new StsLookup(cached.Policy, fetched.ResultType, fetched.Problem));
        }
        _log.LogWarning("MTA-STS policy of {Domain}: {Problem}; no policy cached, so delivering without one", domain, fetched.Problem);
        return Keep(domain, null, now + RetryFailureAfter, new StsLookup(null, fetched.ResultType, fetched.Problem));
    }

    /// <summary>The record's TTL, at most recheck-after (a TTL of 0 asks again on every new connection).</summary>
    private TimeSpan Recheck(TimeSpan ttl) => ttl > _settings.RecheckAfter ? _settings.RecheckAfter : ttl;

    private StsLookup Keep(string domain, Entry? policy, DateTimeOffset recheckAt, StsLookup lookup)
    {
        if (_cache.Count >= _settings.MaxCachedDomains && !_cache.ContainsKey(domain)) Evict();
        _cache[domain] = policy is null
            ? new Entry(null, null, DateTimeOffset.MinValue, recheckAt, lookup)
            : policy with { RecheckAt = recheckAt, Last = lookup };
        return lookup;
    }

    /// <summary>Makes room: the entries due for a recheck soonest go first (a tenth of the cache at a time).</summary>
    private void Evict()
    {
        foreach (var key in _cache.OrderBy(e => e.Value.RecheckAt).Take(Math.Max(1, _settings.MaxCachedDomains / 10)).Select(e => e.Key).ToList())
            _cache.TryRemove(key, out _);
    }

    public void Dispose() => _fetcher?.Dispose();
}
