using System.Net;
using ActorMta.Configuration;
using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp.Client;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Delivery;

public sealed class DeliverySettingsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private DeliverySettings Read(string hocon, IDictionary<string, string>? environment = null) =>
        DeliveryTestBed.ReadSettings(hocon, _data.Path, environment).Delivery;

    private SettingException Invalid(string hocon, IDictionary<string, string>? environment = null) =>
        Assert.Throws<SettingException>(() => Read(hocon, environment));

    [Fact]
    public void Defaults_deliver_by_mx_on_port_25_from_the_default_source_with_documented_limits()
    {
        var settings = Read("");
        var policy = settings.Domains.For("anything.example");

        var route = Assert.IsType<DeliveryRoute.Mx>(policy.Route);
        Assert.Equal((25, TlsPolicy.Opportunistic, false), (route.Port, route.Tls, route.VerifyCertificate));
        Assert.Equal(new DomainLimits(10, 0, 0, 100, 100, TimeSpan.FromSeconds(5)), policy.Limits);
        var source = Assert.Single(policy.Egress.Sources).Source;
        Assert.Equal(("default", null, "localhost"), (source.Name, source.Address, source.EhloName));
        Assert.Equal((3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30)), (policy.Backoff.SuspendAfterConnectionFailures, policy.Backoff.SuspendFor, policy.Backoff.MaxSuspend));
        Assert.Empty(policy.Backoff.ReplyPatterns);
        Assert.Empty(settings.Dns.NameServers);
        Assert.Equal(Path.Combine(_data.Path, "delivery.log"), settings.Log.File);
    }

    [Fact]
    public void Private_destinations_are_refused_by_default_and_the_environment_can_allow_them_or_list_networks()
    {
        Assert.Equal((false, 0), (Read("").Destinations.AllowPrivate, Read("").Destinations.AllowedNetworks.Count));
        var settings = Read("", new Dictionary<string, string>
        {
            ["ACTORMTA_DELIVERY_ALLOW_PRIVATE_DESTINATIONS"] = "on",
            ["ACTORMTA_DELIVERY_ALLOWED_NETWORKS"] = "10.20.0.0/16, fd00::/8",
        });
        Assert.True(settings.Destinations.AllowPrivate);
        Assert.Equal([System.Net.IPNetwork.Parse("10.20.0.0/16"), System.Net.IPNetwork.Parse("fd00::/8")], settings.Destinations.AllowedNetworks);
    }

    [Fact]
    public void An_exact_entry_wins_over_wildcards_and_the_longest_wildcard_over_shorter_ones()
    {
        var settings = Read("""
            actormta.delivery.domains {
              "*.example.com" { max-connections = 3 }
              "*.eu.example.com" { max-connections = 4 }
              "eu.example.com" { max-connections = 5 }
            }
            """);

        Assert.Equal(5, settings.Domains.For("eu.example.com").Limits.MaxConnections);
        Assert.Equal(4, settings.Domains.For("mx.eu.example.com").Limits.MaxConnections);
        Assert.Equal(3, settings.Domains.For("us.example.com").Limits.MaxConnections);
        Assert.Equal(10, settings.Domains.For("example.com").Limits.MaxConnections);
        // Keys an entry leaves out come from the defaults.
        Assert.Equal(100, settings.Domains.For("eu.example.com").Limits.MaxMessagesPerConnection);
    }

    [Fact]
    public void Static_and_maildir_routes_read_their_hosts_and_directory()
    {
        var settings = Read("""
            actormta.delivery.domains {
              "dest.example" { route = static, hosts = ["127.0.0.1:2525", "mx.dest.example", "[::1]:26"], tls = none }
              "local.test" { route = maildir, directory = "mail/local" }
            }
            """);

        var relay = Assert.IsType<DeliveryRoute.Relay>(settings.Domains.For("dest.example").Route);
        Assert.Equal(("static", TlsPolicy.None, null), (relay.Kind, relay.Tls, relay.Credentials));
        Assert.Equal([new HostAndPort("127.0.0.1", 2525), new HostAndPort("mx.dest.example", 25), new HostAndPort("::1", 26)], relay.Hosts);
        var maildir = Assert.IsType<DeliveryRoute.Maildir>(settings.Domains.For("local.test").Route);
        Assert.Equal(Path.Combine(_data.Path, "mail", "local"), maildir.Directory);
    }

    [Fact]
    public void A_smarthost_for_everything_comes_from_the_environment_with_starttls_and_auth()
    {
        var settings = Read("", new Dictionary<string, string>
        {
            ["ACTORMTA_DELIVERY_ROUTE"] = "smarthost",
            ["ACTORMTA_SMARTHOST"] = "smtp.gmail.com:587",
            ["ACTORMTA_SMARTHOST_USERNAME"] = "me@gmail.com",
            ["ACTORMTA_SMARTHOST_PASSWORD"] = "app password",
        });

        var relay = Assert.IsType<DeliveryRoute.Relay>(settings.Domains.For("any.example").Route);
        Assert.Equal("smarthost", relay.Kind);
        Assert.Equal(new HostAndPort("smtp.gmail.com", 587), Assert.Single(relay.Hosts));
        Assert.Equal((TlsPolicy.Required, true), (relay.Tls, relay.VerifyCertificate));
        Assert.Equal(("me@gmail.com", "app password"), (relay.Credentials!.UserName, relay.Credentials.Password));
    }

    [Fact]
    public void A_domain_entry_may_give_its_own_smarthost_settings()
    {
        var settings = Read("""
            actormta.delivery.smarthost { address = "relay.example:587", username = "shared", password = "p" }
            actormta.delivery.domains."*.corp.example" { route = smarthost, address = "10.1.1.1:465", tls = implicit, verify-certificate = off }
            """);

        var relay = Assert.IsType<DeliveryRoute.Relay>(settings.Domains.For("a.corp.example").Route);
        Assert.Equal(new HostAndPort("10.1.1.1", 465), Assert.Single(relay.Hosts));
        Assert.Equal((TlsPolicy.Implicit, false, "shared"), (relay.Tls, relay.VerifyCertificate, relay.Credentials!.UserName));
    }

    [Fact]
    public void Egress_sources_reply_patterns_and_dns_servers_are_read()
    {
        var settings = Read("""
            actormta.delivery {
              egress-sources {
                a { address = "127.0.0.2", ehlo-name = "mta-a.example" }
                b { address = "127.0.0.3", ehlo-name = "" }
              }
              defaults.egress = [a]
              domains."big.example" {
                egress = [a, b]
                reply-patterns = [
                  { match = "^421 .*rate", action = suspend, for = 2s }
                  { match = "too many", action = throttle, factor = 0.25 }
                ]
              }
              dns.servers = ["127.0.0.1:5353", "[::1]"]
            }
            """);

        Assert.Equal(["a"], settings.Domains.For("x.example").Egress.Sources.Select(s => s.Source.Name));
        var big = settings.Domains.For("big.example");
        Assert.Equal([("a", "127.0.0.2", "mta-a.example"), ("b", "127.0.0.3", "localhost")],
            big.Egress.Sources.Select(s => (s.Source.Name, s.Source.Address!.ToString(), s.Source.EhloName)));
        Assert.Equal([(BackoffAction.Suspend, TimeSpan.FromSeconds(2), 0.5), (BackoffAction.Throttle, TimeSpan.FromMinutes(10), 0.25)],
            big.Backoff.ReplyPatterns.Select(p => (p.Action, p.For, p.Factor)));
        Assert.Matches(big.Backoff.ReplyPatterns[0].Match, "421 4.7.0 RATE limited");
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5353), new IPEndPoint(IPAddress.IPv6Loopback, 53)], settings.Dns.NameServers.ToArray());
    }

    [Theory]
    [InlineData("""actormta.delivery.domains."dest.example".max-connections = 0""", "actormta.delivery.domains.\"dest.example\".max-connections")]
    [InlineData("""actormta.delivery.domains."dest.example".route = carrier-pigeon""", "actormta.delivery.domains.\"dest.example\".route")]
    [InlineData("""actormta.delivery.domains."dest.example" { route = static }""", "actormta.delivery.domains.\"dest.example\".hosts")]
    [InlineData("""actormta.delivery.domains."dest.example" { route = static, hosts = ["host:99999"] }""", "actormta.delivery.domains.\"dest.example\".hosts")]
    [InlineData("""actormta.delivery.domains."dest.example".egress = [nowhere]""", "actormta.delivery.domains.\"dest.example\".egress")]
    [InlineData("""actormta.delivery.domains."*.*.example".max-connections = 2""", "actormta.delivery.domains.\"*.*.example\"")]
    [InlineData("""actormta.delivery.domains."dest.example".reply-patterns = [{ match = "(", action = suspend }]""", "actormta.delivery.domains.\"dest.example\".reply-patterns.0.match")]
    [InlineData("""actormta.delivery.domains."dest.example".reply-patterns = [{ match = "x", action = explode }]""", "actormta.delivery.domains.\"dest.example\".reply-patterns.0.action")]
    [InlineData("""actormta.delivery.defaults.backoff.throttle-factor = 2""", "actormta.delivery.defaults.backoff.throttle-factor")]
    [InlineData("""actormta.delivery.defaults.route = smarthost""", "actormta.delivery.smarthost.address")]
    [InlineData("""actormta.delivery { defaults.route = smarthost, smarthost { address = "s.example:587", tls = opportunistic, username = u } }""", "actormta.delivery.smarthost.tls")]
    [InlineData("""actormta.delivery.egress-sources.default.address = "not-an-ip" """, "actormta.delivery.egress-sources.\"default\".address")]
    [InlineData("""actormta.delivery.dns.servers = ["dns.example"]""", "actormta.delivery.dns.servers")]
    [InlineData("""actormta.delivery.mx-port = 0""", "actormta.delivery.mx-port")]
    [InlineData("""actormta.delivery.allowed-destination-networks = ["10.0.0.0/33"]""", "actormta.delivery.allowed-destination-networks")]
    [InlineData("""actormta.delivery.allowed-destination-networks = ["internal"]""", "actormta.delivery.allowed-destination-networks")]
    [InlineData("""actormta.delivery.allow-private-destinations = perhaps""", "actormta.delivery.allow-private-destinations")]
    public void Invalid_values_name_the_full_setting_path(string hocon, string path)
    {
        var exception = Invalid(hocon);
        Assert.Equal(path, exception.Path);
        Assert.DoesNotContain('\n', exception.Message);
    }
}
