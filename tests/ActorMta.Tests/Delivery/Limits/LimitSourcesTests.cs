using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Delivery.Limits;

/// <summary>Issue 11: each limit in effect names the setting that produced it (GET /api/admin/ready-q-states/v1).</summary>
public sealed class LimitSourcesTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private DeliverySettings Read(string hocon) => DeliveryTestBed.ReadSettings(hocon, _data.Path).Delivery;

    private const string Overrides = """
        actormta.delivery.defaults.max-messages-per-second = 50
        actormta.delivery.domains {
          "Example.COM" { max-connections = 2, idle-timeout = 30s }
          "*.corp.example" { max-messages-per-connection = 7 }
        }
        """;

    [Fact]
    public void A_limit_set_in_a_domains_entry_names_that_entry_and_the_others_name_the_defaults()
    {
        var sources = LimitSources.Of(Read(Overrides).Domains.For("example.com"), 1, null);

        Assert.Equal(new LimitSource(2, "actormta.delivery.domains.\"Example.COM\".max-connections"), sources["max_connections"]);
        Assert.Equal(new LimitSource(30, "actormta.delivery.domains.\"Example.COM\".idle-timeout"), sources["idle_timeout_seconds"]);
        Assert.Equal(new LimitSource(50, "actormta.delivery.defaults.max-messages-per-second"), sources["max_messages_per_second"]);
        Assert.Equal(new LimitSource(100, "actormta.delivery.defaults.max-messages-per-connection"), sources["max_messages_per_connection"]);
        Assert.Equal(6, sources.Count);
    }

    [Fact]
    public void A_wildcard_entry_is_named_for_its_subdomains_and_a_domain_without_an_entry_gets_only_defaults()
    {
        var settings = Read(Overrides);

        var sub = LimitSources.Of(settings.Domains.For("mail.corp.example"), 1, null);
        Assert.Equal(new LimitSource(7, "actormta.delivery.domains.\"*.corp.example\".max-messages-per-connection"), sub["max_messages_per_connection"]);
        Assert.Equal(new LimitSource(10, "actormta.delivery.defaults.max-connections"), sub["max_connections"]);

        var other = LimitSources.Of(settings.Domains.For("elsewhere.test"), 1, null);
        Assert.All(other.Values, s => Assert.StartsWith("actormta.delivery.defaults.", s.Source, StringComparison.Ordinal));
        Assert.Equal(10, other["max_connections"].Value);
    }

    [Fact]
    public void A_backoff_throttle_shows_the_scaled_value_the_configured_one_and_why()
    {
        var sources = LimitSources.Of(Read(Overrides).Domains.For("example.com"), 0.5, "421 4.7.0 too many connections");

        var connections = sources["max_connections"];
        Assert.Equal((1d, 2d), (connections.Value, connections.Configured));
        Assert.Equal("actormta.delivery.domains.\"Example.COM\".max-connections", connections.Source);
        Assert.Equal("backoff throttle x0.5: 421 4.7.0 too many connections", connections.AdjustedBy);
        Assert.Equal((25d, 50d), (sources["max_messages_per_second"].Value, sources["max_messages_per_second"].Configured));
        // Not scaled by a throttle: as configured, with no adjustment.
        Assert.Equal(new LimitSource(100, "actormta.delivery.defaults.max-messages-per-connection"), sources["max_messages_per_connection"]);
    }
}
