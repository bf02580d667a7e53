using ActorMta.Delivery.Dns;
using ActorMta.TestSupport.Dns;
using Microsoft.Extensions.Time.Testing;
using static ActorMta.Tests.Delivery.Dns.ResolverTestBed;

namespace ActorMta.Tests.Delivery.Dns;

public sealed class MailExchangerCacheTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start().Zone("example.test", negativeTtl: 120);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2030-01-01T00:00:00Z"));

    public void Dispose() => _dns.Dispose();

    [Fact]
    public async Task A_cached_answer_costs_no_query()
    {
        _dns.Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1");
        var resolver = ResolverFor(_dns, clock: _clock);

        var first = Resolved(await resolver.ResolveAsync("example.test"));
        var queriesAfterFirst = _dns.TotalQueries;
        var second = Resolved(await resolver.ResolveAsync("EXAMPLE.test."));

        Assert.Equal(3, queriesAfterFirst); // MX, A, AAAA
        Assert.Equal(queriesAfterFirst, _dns.TotalQueries);
        Assert.Equal(first.MailExchangers.Select(Addresses), second.MailExchangers.Select(Addresses));
    }

    [Fact]
    public async Task A_positive_answer_expires_with_the_smallest_ttl_of_its_records()
    {
        _dns.Mx("example.test", 10, "mx.example.test", ttl: 300).A("mx.example.test", "192.0.2.1", ttl: 60);
        var resolver = ResolverFor(_dns, clock: _clock);
        await resolver.ResolveAsync("example.test");

        _clock.Advance(TimeSpan.FromSeconds(59));
        await resolver.ResolveAsync("example.test");
        Assert.Equal(1, _dns.QueryCount("example.test", DnsRecordType.Mx));

        // The answer changes while cached; after expiry the new one is seen.
        _dns.Forget("mx.example.test").A("mx.example.test", "192.0.2.2", ttl: 60);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var refreshed = Resolved(await resolver.ResolveAsync("example.test"));

        Assert.Equal(2, _dns.QueryCount("example.test", DnsRecordType.Mx));
        Assert.Equal(["192.0.2.2"], Addresses(Assert.Single(refreshed.MailExchangers)));
    }

    [Fact]
    public async Task A_positive_ttl_is_capped_by_the_setting()
    {
        _dns.Mx("example.test", 10, "mx.example.test", ttl: 86400).A("mx.example.test", "192.0.2.1", ttl: 86400);
        var resolver = ResolverFor(_dns, s => s with { MaxPositiveTtl = TimeSpan.FromMinutes(5) }, clock: _clock);
        await resolver.ResolveAsync("example.test");

        _clock.Advance(TimeSpan.FromMinutes(5));
        await resolver.ResolveAsync("example.test");

        Assert.Equal(2, _dns.QueryCount("example.test", DnsRecordType.Mx));
    }

    [Theory]
    [InlineData(120, 119, 121)] // SOA minimum as published
    [InlineData(5, 29, 31)] // raised to the 30 s floor
    [InlineData(7200, 599, 601)] // lowered to the 600 s ceiling
    public async Task Nxdomain_is_cached_for_the_soa_minimum_within_floor_and_ceiling(int soaMinimum, int stillCachedAt, int expiredAt)
    {
        _dns.Zone("neg.test", negativeTtl: soaMinimum);
        var resolver = ResolverFor(
            _dns,
            s => s with { MinNegativeTtl = TimeSpan.FromSeconds(30), MaxNegativeTtl = TimeSpan.FromSeconds(600) },
            clock: _clock);
        Assert.IsType<MailExchangerResolution.PermanentFailure>(await resolver.ResolveAsync("missing.neg.test"));

        _clock.Advance(TimeSpan.FromSeconds(stillCachedAt));
        Assert.IsType<MailExchangerResolution.PermanentFailure>(await resolver.ResolveAsync("missing.neg.test"));
        Assert.Equal(1, _dns.QueryCount("missing.neg.test"));

        _clock.Advance(TimeSpan.FromSeconds(expiredAt - stillCachedAt));
        await resolver.ResolveAsync("missing.neg.test");
        Assert.Equal(2, _dns.QueryCount("missing.neg.test"));
    }

    [Fact]
    public async Task A_null_mx_is_cached_too()
    {
        _dns.NullMx("example.test", ttl: 3600);
        var resolver = ResolverFor(_dns, clock: _clock);

        await resolver.ResolveAsync("example.test");
        await resolver.ResolveAsync("example.test");

        Assert.Equal(1, _dns.TotalQueries);
    }

    [Fact]
    public async Task A_temporary_failure_is_not_cached()
    {
        _dns.ServerFailure("example.test");
        var resolver = ResolverFor(_dns, clock: _clock);
        Assert.IsType<MailExchangerResolution.TemporaryFailure>(await resolver.ResolveAsync("example.test"));

        _dns.Forget("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1");

        Assert.Equal(["mx.example.test"], Hosts(await resolver.ResolveAsync("example.test")));
    }

    [Fact]
    public async Task Concurrent_lookups_of_one_domain_share_one_query()
    {
        _dns.Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1");
        var resolver = ResolverFor(_dns, clock: _clock);
        using var hold = _dns.Hold("example.test", DnsRecordType.Mx);

        var lookups = Enumerable.Range(0, 20).Select(_ => resolver.ResolveAsync("example.test")).ToList();
        await _dns.WaitForQueriesAsync("example.test", DnsRecordType.Mx, 1, Deadline);
        Assert.All(lookups, l => Assert.False(l.IsCompleted));
        hold.Release();
        var results = await Task.WhenAll(lookups).WaitAsync(Deadline);

        Assert.All(results, r => Assert.Equal(["mx.example.test"], Hosts(r)));
        Assert.Equal(1, _dns.QueryCount("example.test", DnsRecordType.Mx));
        Assert.Equal(1, _dns.QueryCount("mx.example.test", DnsRecordType.A));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_shared_lookup()
    {
        _dns.Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1");
        var resolver = ResolverFor(_dns, clock: _clock);
        using var hold = _dns.Hold("example.test", DnsRecordType.Mx);
        using var impatient = new CancellationTokenSource();

        var abandoned = resolver.ResolveAsync("example.test", impatient.Token);
        var patient = resolver.ResolveAsync("example.test");
        await _dns.WaitForQueriesAsync("example.test", DnsRecordType.Mx, 1, Deadline);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        hold.Release();

        Assert.Equal(["mx.example.test"], Hosts(await patient.WaitAsync(Deadline)));
        Assert.Equal(1, _dns.QueryCount("example.test", DnsRecordType.Mx));
    }

    [Fact]
    public async Task The_cache_holds_at_most_its_limit_dropping_the_least_recently_used()
    {
        foreach (var name in new[] { "one", "two", "three" })
        {
            _dns.A($"{name}.example.test", "192.0.2.1");
        }

        var resolver = ResolverFor(_dns, s => s with { MaxCachedDomains = 2 }, clock: _clock);
        await resolver.ResolveAsync("one.example.test");
        await resolver.ResolveAsync("two.example.test");
        await resolver.ResolveAsync("one.example.test"); // one is now more recent than two
        await resolver.ResolveAsync("three.example.test"); // evicts two

        Assert.Equal(2, resolver.CachedDomainCount);
        await resolver.ResolveAsync("one.example.test");
        await resolver.ResolveAsync("two.example.test");

        Assert.Equal(1, _dns.QueryCount("one.example.test", DnsRecordType.Mx));
        Assert.Equal(2, _dns.QueryCount("two.example.test", DnsRecordType.Mx));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => ResolverFor(_dns, s => s with { MaxCachedDomains = 0 }));

        Assert.Equal(nameof(MailExchangerResolverSettings.MaxCachedDomains), error.ParamName);
    }
}
