using System.Net.Sockets;
using ActorMta.TestSupport.Dns;
using DnsClient;
using DnsClient.Protocol;

namespace ActorMta.Tests.TestSupport;

/// <summary>Self-test of the loopback DNS server, asked with DnsClient directly (no resolver logic in between).</summary>
public sealed class LoopbackDnsServerTests : IDisposable
{
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start().Zone("example.test", negativeTtl: 42);

    public void Dispose() => _dns.Dispose();

    [Fact]
    public async Task Answers_configured_records_with_their_ttl()
    {
        _dns.Mx("example.test", 10, "mx.example.test", ttl: 77).NullMx("nomail.example.test");

        var mx = Assert.Single((await Client().QueryAsync("example.test", QueryType.MX)).Answers.MxRecords());
        var nullMx = Assert.Single((await Client().QueryAsync("nomail.example.test", QueryType.MX)).Answers.MxRecords());

        Assert.Equal(("mx.example.test.", 10, 77), (mx.Exchange.Value, (int)mx.Preference, mx.TimeToLive));
        Assert.Equal((".", 0), (nullMx.Exchange.Value, (int)nullMx.Preference));
    }

    [Fact]
    public async Task Unknown_names_get_nxdomain_and_known_names_nodata_both_with_the_soa()
    {
        _dns.A("host.example.test", "192.0.2.1");

        var missing = await Client().QueryAsync("missing.example.test", QueryType.A);
        var noData = await Client().QueryAsync("host.example.test", QueryType.MX);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, missing.Header.ResponseCode);
        Assert.Equal(DnsHeaderResponseCode.NoError, noData.Header.ResponseCode);
        Assert.Empty(noData.Answers);
        Assert.All([missing, noData], r => Assert.Equal(42u, Assert.Single(r.Authorities.SoaRecords()).Minimum));
    }

    [Fact]
    public async Task Names_outside_every_zone_are_refused_and_counted()
    {
        var response = await Client().QueryAsync("elsewhere.invalid", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.Refused, response.Header.ResponseCode);
        Assert.Equal(1, _dns.QueryCount("ELSEWHERE.invalid.", DnsRecordType.A));
        Assert.Equal(ProtocolType.Udp, Assert.Single(_dns.Queries).Transport);
    }

    [Fact]
    public async Task A_cname_chain_is_followed_in_one_answer()
    {
        _dns.Cname("alias.example.test", "middle.example.test").Cname("middle.example.test", "real.example.test").Aaaa("real.example.test", "2001:db8::5");

        var answers = (await Client().QueryAsync("alias.example.test", QueryType.AAAA)).Answers;

        Assert.Equal(2, answers.CnameRecords().Count());
        Assert.Equal("2001:db8::5", Assert.Single(answers.AaaaRecords()).Address.ToString());
    }

    private LookupClient Client() => new(new LookupClientOptions(_dns.EndPoint) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(3) });
}
