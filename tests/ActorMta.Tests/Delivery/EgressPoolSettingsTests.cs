using ActorMta.Configuration;
using ActorMta.Delivery;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Delivery;

/// <summary>actormta.delivery.egress-pools, a domain's `pool`, the sources' warm-up schedules and the provider groups.</summary>
public sealed class EgressPoolSettingsTests : IDisposable
{
    private const string Sources = """
        actormta.delivery.egress-sources {
          a { address = "127.0.0.2", ehlo-name = "a.example", warmup = [50, 100, 200] }
          b { address = "127.0.0.3", ehlo-name = "b.example" }
        }
        """;

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private DeliverySettings Read(string hocon) => DeliveryTestBed.ReadSettings(Sources + "\n" + hocon, _data.Path).Delivery;

    [Fact]
    public void A_domain_picks_a_named_weighted_pool_and_a_plain_egress_list_is_an_unweighted_pool()
    {
        var settings = Read("""
            actormta.delivery {
              egress-pools.fresh { sources = [ { source = a, weight = 2 }, b ] }
              defaults.egress = [a]
              domains."gmail.com" { pool = fresh }
              domains."list.example" { egress = [a, b] }
            }
            """);

        Assert.Equal([("a", 2), ("b", 1)], settings.Domains.For("gmail.com").Egress.Sources.Select(s => (s.Source.Name, s.Weight)));
        Assert.Equal("fresh", settings.Domains.For("gmail.com").Egress.Name);
        Assert.Equal([("a", 1), ("b", 1)], settings.Domains.For("list.example").Egress.Sources.Select(s => (s.Source.Name, s.Weight)));
        Assert.Equal(["a"], settings.Domains.For("other.example").Egress.Sources.Select(s => s.Source.Name));
        Assert.Equal([50, 100, 200], settings.WarmUp.Schedules["a"]);
        Assert.False(settings.WarmUp.Schedules.ContainsKey("b"));
        Assert.Equal("google", settings.WarmUp.GroupOf(["alt1.gmail-smtp-in.l.google.com."]));
        Assert.Equal("microsoft", settings.WarmUp.GroupOf(["example-com.mail.protection.outlook.com"]));
        Assert.Null(settings.WarmUp.GroupOf(["mx.example.com"]));
        Assert.Equal(Path.Combine(_data.Path, "warmup.json"), settings.WarmUp.File);
    }

    [Fact]
    public void A_default_pool_is_used_unless_an_entry_gives_its_own_egress_list()
    {
        var settings = Read("""
            actormta.delivery {
              egress-pools.main { sources = [a, b] }
              defaults.pool = main
              domains."own.example" { egress = [b] }
            }
            """);

        Assert.Equal("main", settings.Domains.For("x.example").Egress.Name);
        Assert.Equal(["b"], settings.Domains.For("own.example").Egress.Sources.Select(s => s.Source.Name));
    }

    [Theory]
    [InlineData("""actormta.delivery.domains."x.example".pool = nosuch""", "actormta.delivery.domains.\"x.example\".pool")]
    [InlineData("actormta.delivery.egress-pools.p { sources = [ { source = c } ] }", "actormta.delivery.egress-pools.\"p\".sources.0.source")]
    [InlineData("actormta.delivery.egress-pools.p { sources = [ { source = a, weight = 0 } ] }", "actormta.delivery.egress-pools.\"p\".sources.0.weight")]
    [InlineData("actormta.delivery.egress-pools.p { sources = [] }", "actormta.delivery.egress-pools.\"p\".sources")]
    [InlineData("actormta.delivery.egress-pools.p { sources = [a, a] }", "actormta.delivery.egress-pools.\"p\".sources.1.source")]
    [InlineData("actormta.delivery.egress-sources.a.warmup = [50, 0]", "actormta.delivery.egress-sources.\"a\".warmup")]
    [InlineData("actormta.delivery.egress-sources.a.warmup = [fifty]", "actormta.delivery.egress-sources.\"a\".warmup")]
    [InlineData("""actormta.delivery.warmup.providers.google = ["*"]""", "actormta.delivery.warmup.providers.\"google\"")]
    [InlineData("actormta.delivery.warmup.providers.google = []", "actormta.delivery.warmup.providers.\"google\"")]
    [InlineData("""actormta.delivery.tenant-pools { "billing-app" = nosuch }""", "actormta.delivery.tenant-pools.\"billing-app\"")]
    [InlineData("actormta.delivery.tenant-pools = [a]", "actormta.delivery.tenant-pools")]
    [InlineData("""actormta.delivery.pool-header = "X Pool" """, "actormta.delivery.pool-header")]
    [InlineData("""actormta.delivery.pool-header = "X-Pool:" """, "actormta.delivery.pool-header")]
    [InlineData("""actormta.delivery.pool-header = "" """, "actormta.delivery.pool-header")]
    public void Invalid_pool_and_warm_up_settings_name_their_path(string hocon, string path)
    {
        var exception = Assert.Throws<SettingException>(() => Read(hocon));
        Assert.Equal(path, exception.Path);
    }

    [Fact]
    public void A_tenant_maps_to_a_named_pool_and_the_header_beats_the_tenant()
    {
        var settings = Read("""
            actormta.delivery {
              egress-pools.transactional { sources = [a] }
              egress-pools.bulk { sources = [b] }
              tenant-pools { "billing-app" = transactional }
            }
            """);
        var choice = settings.PoolChoice;

        Assert.Equal("X-ActorMta-Pool", choice.HeaderField);
        Assert.Equal("transactional", choice.Choose(null, "billing-app", out var none));
        Assert.Null(none);
        Assert.Equal("bulk", choice.Choose("bulk", "billing-app", out _));
        Assert.Null(choice.Choose(null, "someone-else", out _));
        Assert.Null(choice.Choose(null, null, out _));
        Assert.Null(choice.Choose("nosuch", "billing-app", out var refusal));
        Assert.Equal("X-ActorMta-Pool names egress pool 'nosuch', which this relay does not have (it has bulk, transactional)", refusal);
    }
}
