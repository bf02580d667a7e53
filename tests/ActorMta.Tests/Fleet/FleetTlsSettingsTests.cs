using System.Collections;
using ActorMta.Configuration;

namespace ActorMta.Tests.Fleet;

/// <summary>Plain TCP only for a cluster of one on loopback, or when the operator says insecure; TLS turns seeds into akka.ssl.tcp.</summary>
public sealed class FleetTlsSettingsTests
{
    private static string DefaultsFile => Path.Combine(ActorMta.Tests.Configuration.ConfigurationLayeringTests.RepositoryRoot(), "hocon", "actormta.conf");

    private static ActorMtaSettings Load(Hashtable environment) => ActorMtaSettings.From(ActorMtaConfig.Load(null, environment, DefaultsFile));

    [Fact]
    public void A_cluster_of_one_on_loopback_runs_plain_tcp_without_tls_settings()
    {
        Assert.Null(Load(new Hashtable()).Fleet.Tls);
        Assert.Null(Load(new Hashtable { ["ACTORMTA_CLUSTER_HOST"] = "::1", ["ACTORMTA_CLUSTER_PUBLIC_HOST"] = "localhost" }).Fleet.Tls);
    }

    [Theory]
    [InlineData("ACTORMTA_SEED_NODES", "akka.tcp://actormta@127.0.0.1:4053")]
    [InlineData("ACTORMTA_CLUSTER_HOST", "0.0.0.0")]
    [InlineData("ACTORMTA_CLUSTER_HOST", "10.1.2.3")]
    [InlineData("ACTORMTA_CLUSTER_PUBLIC_HOST", "actormta-0.actormta.mail.svc")]
    public void Without_tls_settings_anything_beyond_a_loopback_cluster_of_one_is_refused(string variable, string value)
    {
        var refusal = Assert.Throws<SettingException>(() => Load(new Hashtable { [variable] = value }));

        Assert.Equal("actormta.cluster.tls.certificate-file", refusal.Path);
        Assert.Contains("ACTORMTA_CLUSTER_INSECURE", refusal.Message);
        Assert.DoesNotContain('\n', refusal.Message);
        Assert.Null(Load(new Hashtable { [variable] = value, ["ACTORMTA_CLUSTER_INSECURE"] = "on" }).Fleet.Tls);
    }

    [Fact]
    public void With_the_fleet_certificate_seeds_speak_the_tls_scheme_however_they_were_written()
    {
        var fleet = Load(new Hashtable
        {
            ["ACTORMTA_SEED_NODES"] = "akka.tcp://actormta@10.0.0.1:4053, akka.ssl.tcp://actormta@10.0.0.2:4053",
            ["ACTORMTA_CLUSTER_CERTIFICATE_FILE"] = "/etc/actormta/fleet/node.crt",
            ["ACTORMTA_CLUSTER_KEY_FILE"] = "/etc/actormta/fleet/node.key",
            ["ACTORMTA_CLUSTER_CA_FILE"] = "/etc/actormta/fleet/ca.crt",
        }).Fleet;

        Assert.Equal(new("/etc/actormta/fleet/node.crt", "/etc/actormta/fleet/node.key", "/etc/actormta/fleet/ca.crt"), fleet.Tls);
        Assert.Equal(["akka.ssl.tcp://actormta@10.0.0.1:4053", "akka.ssl.tcp://actormta@10.0.0.2:4053"], fleet.SeedNodes.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("ACTORMTA_CLUSTER_CERTIFICATE_FILE", "actormta.cluster.tls.key-file")]
    [InlineData("ACTORMTA_CLUSTER_KEY_FILE", "actormta.cluster.tls.certificate-file")]
    [InlineData("ACTORMTA_CLUSTER_CA_FILE", "actormta.cluster.tls.certificate-file")]
    public void Half_a_tls_configuration_is_refused(string variable, string path)
    {
        Assert.Equal(path, Assert.Throws<SettingException>(() => Load(new Hashtable { [variable] = "/etc/actormta/fleet/x.pem" })).Path);
    }
}
