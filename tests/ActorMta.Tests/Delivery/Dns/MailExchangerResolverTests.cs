using System.Net;
using ActorMta.Delivery.Dns;
using ActorMta.TestSupport.Dns;
using static ActorMta.Tests.Delivery.Dns.ResolverTestBed;

namespace ActorMta.Tests.Delivery.Dns;

public sealed class MailExchangerResolverTests : IDisposable
{
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start().Zone("example.test");

    public void Dispose() => _dns.Dispose();

    [Fact]
    public async Task Mail_exchangers_come_in_preference_order_with_their_addresses()
    {
        _dns.Mx("example.test", 20, "mx2.example.test")
            .Mx("example.test", 10, "mx1.example.test")
            .Mx("example.test", 30, "mx3.example.test")
            .A("mx1.example.test", "192.0.2.1").Aaaa("mx1.example.test", "2001:db8::1")
            .A("mx2.example.test", "192.0.2.2")
            .Aaaa("mx3.example.test", "2001:db8::3");

        var resolved = Resolved(await ResolverFor(_dns).ResolveAsync("example.test"));

        Assert.Equal(MailExchangerSource.MxRecords, resolved.Source);
        Assert.Equal("example.test", resolved.Domain);
        Assert.Equal(["mx1.example.test", "mx2.example.test", "mx3.example.test"], resolved.MailExchangers.Select(e => e.HostName));
        Assert.Equal([10, 20, 30], resolved.MailExchangers.Select(e => e.Preference));
        Assert.Equal(["192.0.2.1", "2001:db8::1"], Addresses(resolved.MailExchangers[0]));
        Assert.Equal(["192.0.2.2"], Addresses(resolved.MailExchangers[1]));
        Assert.Equal(["2001:db8::3"], Addresses(resolved.MailExchangers[2]));
    }

    [Fact]
    public async Task Ipv6_comes_first_when_preferred()
    {
        _dns.Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1").Aaaa("mx.example.test", "2001:db8::1");

        var resolved = Resolved(await ResolverFor(_dns, s => s with { AddressPreference = AddressFamilyPreference.PreferIPv6 }).ResolveAsync("example.test"));

        Assert.Equal(["2001:db8::1", "192.0.2.1"], Addresses(resolved.MailExchangers[0]));
    }

    [Fact]
    public async Task Ipv4_only_never_asks_for_AAAA()
    {
        _dns.Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1").Aaaa("mx.example.test", "2001:db8::1");

        var resolved = Resolved(await ResolverFor(_dns, s => s with { AddressPreference = AddressFamilyPreference.IPv4Only }).ResolveAsync("example.test"));

        Assert.Equal(["192.0.2.1"], Addresses(resolved.MailExchangers[0]));
        Assert.Equal(0, _dns.QueryCount("mx.example.test", DnsRecordType.Aaaa));
    }

    [Fact]
    public async Task Equal_preferences_are_shuffled_and_never_overtake_better_ones()
    {
        _dns.Mx("example.test", 10, "a.example.test").Mx("example.test", 10, "b.example.test").Mx("example.test", 10, "c.example.test")
            .Mx("example.test", 20, "backup.example.test");
        foreach (var host in new[] { "a", "b", "c", "backup" })
        {
            _dns.A($"{host}.example.test", "192.0.2.1");
        }

        // A fresh resolver (empty cache) per lookup, seeded so the test is repeatable.
        var firstChoices = new Dictionary<string, int>();
        for (var seed = 0; seed < 150; seed++)
        {
            var hosts = Hosts(await ResolverFor(_dns, random: new Random(seed)).ResolveAsync("example.test"));
            Assert.Equal("backup.example.test", hosts[^1]);
            firstChoices[hosts[0]] = firstChoices.GetValueOrDefault(hosts[0]) + 1;
        }

        // Each of the three equal hosts leads about a third of the time (expected 50 each).
        Assert.Equal(["a.example.test", "b.example.test", "c.example.test"], firstChoices.Keys.Order());
        Assert.All(firstChoices.Values, count => Assert.InRange(count, 25, 75));
    }

    [Fact]
    public async Task A_cached_answer_is_still_shuffled_per_call()
    {
        _dns.Mx("example.test", 10, "a.example.test").Mx("example.test", 10, "b.example.test")
            .A("a.example.test", "192.0.2.1").A("b.example.test", "192.0.2.2");
        var resolver = ResolverFor(_dns, random: new Random(7));

        var orders = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            orders.Add(string.Join(",", Hosts(await resolver.ResolveAsync("example.test"))));
        }

        Assert.Equal(2, orders.Count);
        Assert.Equal(1, _dns.QueryCount("example.test", DnsRecordType.Mx));
    }

    [Fact]
    public async Task No_mx_falls_back_to_the_domains_own_addresses_as_implicit_mx()
    {
        _dns.A("example.test", "192.0.2.7").Aaaa("example.test", "2001:db8::7");

        var resolved = Resolved(await ResolverFor(_dns).ResolveAsync("example.test"));

        Assert.Equal(MailExchangerSource.ImplicitMx, resolved.Source);
        var exchanger = Assert.Single(resolved.MailExchangers);
        Assert.Equal("example.test", exchanger.HostName);
        Assert.Equal(0, exchanger.Preference);
        Assert.Equal(["192.0.2.7", "2001:db8::7"], Addresses(exchanger));
    }

    [Fact]
    public async Task No_mx_and_no_address_is_permanent()
    {
        _dns.Zone("empty.test").Mx("sub.empty.test", 10, "mx.empty.test");

        var failure = Permanent(await ResolverFor(_dns).ResolveAsync("empty.test"), ResolutionFailure.NoAddresses, "5.1.2");

        Assert.Contains("no MX and no usable A/AAAA", failure.Reason);
    }

    [Fact]
    public async Task Null_mx_fails_permanently_with_5_1_10_and_asks_nothing_more()
    {
        _dns.NullMx("example.test").A("example.test", "192.0.2.1");

        var failure = Permanent(await ResolverFor(_dns).ResolveAsync("example.test"), ResolutionFailure.NullMx, "5.1.10");

        Assert.Contains("null MX", failure.Reason);
        Assert.Equal(1, _dns.TotalQueries);
    }

    [Fact]
    public async Task A_null_mx_beside_real_exchangers_is_ignored()
    {
        _dns.NullMx("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.1");

        Assert.Equal(["mx.example.test"], Hosts(await ResolverFor(_dns).ResolveAsync("example.test")));
    }

    [Fact]
    public async Task Nxdomain_fails_permanently_with_5_1_2()
    {
        var failure = Permanent(await ResolverFor(_dns).ResolveAsync("missing.example.test"), ResolutionFailure.NoSuchDomain, "5.1.2");

        Assert.Contains("NXDOMAIN", failure.Reason);
        Assert.Equal(1, _dns.TotalQueries);
    }

    [Theory]
    [InlineData(false, "SERVFAIL")]
    [InlineData(true, "REFUSED")]
    public async Task Server_errors_fail_temporarily_with_4_4_3(bool refuse, string expected)
    {
        _ = refuse ? _dns.Refuse("example.test") : _dns.ServerFailure("example.test");

        var failure = Temporary(await ResolverFor(_dns).ResolveAsync("example.test"), ResolutionFailure.DnsServerFailure);

        Assert.Contains(expected, failure.Reason);
    }

    [Fact]
    public async Task An_unanswered_query_times_out_as_a_temporary_failure()
    {
        _dns.Drop("example.test");
        var resolver = ResolverFor(_dns, s => s with { QueryTimeout = TimeSpan.FromMilliseconds(300), Retries = 1 });

        var failure = Temporary(await resolver.ResolveAsync("example.test"), ResolutionFailure.DnsTimeout);

        Assert.Contains("timed out", failure.Reason);
        Assert.Equal(2, _dns.QueryCount("example.test", DnsRecordType.Mx));
    }

    [Fact]
    public async Task An_mx_host_without_address_is_skipped()
    {
        _dns.Mx("example.test", 10, "gone.example.test").Mx("example.test", 20, "nodata.example.test").Mx("example.test", 30, "mx.example.test")
            .Mx("nodata.example.test", 10, "elsewhere.example.test")
            .A("mx.example.test", "192.0.2.3");

        Assert.Equal(["mx.example.test"], Hosts(await ResolverFor(_dns).ResolveAsync("example.test")));
    }

    [Fact]
    public async Task When_no_mx_host_resolves_the_failure_is_temporary_and_names_each_host()
    {
        _dns.Mx("example.test", 10, "gone.example.test").Mx("example.test", 20, "broken.example.test")
            .ServerFailure("broken.example.test");

        var failure = Temporary(await ResolverFor(_dns).ResolveAsync("example.test"), ResolutionFailure.NoMailExchangerAddresses);

        Assert.Contains("gone.example.test", failure.Reason);
        Assert.Contains("broken.example.test", failure.Reason);
    }

    [Fact]
    public async Task A_host_that_fails_for_now_does_not_hide_the_others()
    {
        _dns.Mx("example.test", 10, "broken.example.test").Mx("example.test", 20, "mx.example.test")
            .ServerFailure("broken.example.test").A("mx.example.test", "192.0.2.3");

        Assert.Equal(["mx.example.test"], Hosts(await ResolverFor(_dns).ResolveAsync("example.test")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_mx_pointing_at_a_cname_is_followed(bool serverFollowsCnames)
    {
        _dns.FollowCnames = serverFollowsCnames;
        _dns.Mx("example.test", 10, "alias.example.test").Cname("alias.example.test", "real.example.test").A("real.example.test", "192.0.2.9");

        var exchanger = Assert.Single(Resolved(await ResolverFor(_dns).ResolveAsync("example.test")).MailExchangers);

        Assert.Equal("alias.example.test", exchanger.HostName);
        Assert.Equal(["192.0.2.9"], Addresses(exchanger));
        Assert.Equal(serverFollowsCnames ? 0 : 1, _dns.QueryCount("real.example.test", DnsRecordType.A));
    }

    [Fact]
    public async Task An_mx_target_that_is_an_ip_address_is_skipped()
    {
        _dns.Mx("example.test", 5, "192.0.2.50").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.3");

        Assert.Equal(["mx.example.test"], Hosts(await ResolverFor(_dns).ResolveAsync("example.test")));
        Assert.Equal(0, _dns.QueryCount("192.0.2.50"));
    }

    [Fact]
    public async Task Only_ip_address_mx_targets_is_a_temporary_failure()
    {
        _dns.Mx("example.test", 10, "192.0.2.50");

        var failure = Temporary(await ResolverFor(_dns).ResolveAsync("example.test"), ResolutionFailure.NoMailExchangerAddresses);

        Assert.Contains("192.0.2.50 is an IP address", failure.Reason);
    }

    [Fact]
    public async Task Only_the_most_preferred_hosts_are_resolved()
    {
        for (var i = 1; i <= 5; i++)
        {
            _dns.Mx("example.test", (ushort)(i * 10), $"mx{i}.example.test").A($"mx{i}.example.test", $"192.0.2.{i}");
        }

        var hosts = Hosts(await ResolverFor(_dns, s => s with { MaxMailExchangers = 2 }).ResolveAsync("example.test"));

        Assert.Equal(["mx1.example.test", "mx2.example.test"], hosts);
        Assert.Equal(0, _dns.QueryCount("mx3.example.test"));
    }

    [Fact]
    public async Task A_truncated_udp_answer_is_repeated_over_tcp()
    {
        _dns.TruncateOverUdp("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "192.0.2.3");

        Assert.Equal(["mx.example.test"], Hosts(await ResolverFor(_dns).ResolveAsync("example.test")));
        Assert.Equal(
            [System.Net.Sockets.ProtocolType.Udp, System.Net.Sockets.ProtocolType.Tcp],
            _dns.Queries.Where(q => q.Name == "example.test").Select(q => q.Transport));
    }

    [Theory]
    [InlineData("[127.0.0.1]", "127.0.0.1")]
    [InlineData("[IPv6:::1]", "::1")]
    [InlineData("[IPv6:2001:db8::25]", "2001:db8::25")]
    public async Task An_address_literal_resolves_without_any_query(string literal, string address)
    {
        var resolved = Resolved(await ResolverFor(_dns).ResolveAsync(literal));

        Assert.Equal(MailExchangerSource.AddressLiteral, resolved.Source);
        Assert.Equal([IPAddress.Parse(address).ToString()], Addresses(Assert.Single(resolved.MailExchangers)));
        Assert.Equal(0, _dns.TotalQueries);
    }

    [Theory]
    [InlineData("[300.1.2.3]")]
    [InlineData("[1.2]")]
    [InlineData("[::1]")]
    [InlineData("[IPv6:192.0.2.1]")]
    [InlineData("[192.0.2.1")]
    [InlineData("a..example.test")]
    [InlineData("bad label.example.test")]
    [InlineData("")]
    public async Task A_malformed_domain_fails_permanently_without_a_query(string domain)
    {
        var failure = Permanent(await ResolverFor(_dns).ResolveAsync(domain), ResolutionFailure.InvalidDomain, "5.1.3");

        Assert.StartsWith("invalid destination domain", failure.Reason);
        Assert.Equal(0, _dns.TotalQueries);
    }

    [Fact]
    public async Task An_internationalized_domain_is_queried_by_its_a_labels()
    {
        _dns.Zone("xn--bcher-kva.test").Mx("xn--bcher-kva.test", 10, "mx.xn--bcher-kva.test").A("mx.xn--bcher-kva.test", "192.0.2.4");

        var resolved = Resolved(await ResolverFor(_dns).ResolveAsync("Bücher.test."));

        Assert.Equal("xn--bcher-kva.test", resolved.Domain);
        Assert.Equal(["mx.xn--bcher-kva.test"], resolved.MailExchangers.Select(e => e.HostName));
        Assert.Equal(1, _dns.QueryCount("xn--bcher-kva.test", DnsRecordType.Mx));
    }
}
