using ActorMta.Configuration;
using Akka.Actor;

namespace ActorMta.Fleet;

/// <summary>How this node joins the fleet. No seed nodes: it joins itself (a cluster of one). Tls null: plain TCP.</summary>
public sealed record FleetSettings(
    string Hostname,
    string? PublicHostname,
    int Port,
    IReadOnlyList<Address> SeedNodes,
    IReadOnlyList<string> Roles,
    TimeSpan SplitBrainStableAfter,
    FleetTlsSettings? Tls)
{
    public const string SystemName = "actormta";

    // Akka.Remote names a TLS transport's addresses akka.ssl.tcp; seeds may be written either way and
    // are given the scheme this node's transport speaks, so one seed list serves before and after TLS.
    private const string PlainProtocol = "akka.tcp";
    private const string TlsProtocol = "akka.ssl.tcp";

    public static FleetSettings From(SettingsReader settings)
    {
        var seeds = settings.List("actormta.cluster.seed-nodes").Select(ParseSeed).ToArray();
        var publicHost = settings.String("actormta.cluster.public-hostname");
        var hostname = settings.String("actormta.cluster.hostname", allowEmpty: false);
        var publicHostname = publicHost.Length == 0 ? null : publicHost;
        var tls = FleetTlsSettings.From(settings, hostname, publicHostname, seeds.Length);
        return new FleetSettings(
            hostname,
            publicHostname,
            settings.Port("actormta.cluster.port", allowZero: true),
            seeds.Select(seed => seed.WithProtocol(tls is null ? PlainProtocol : TlsProtocol)).ToArray(),
            settings.List("actormta.cluster.roles"),
            settings.Duration("actormta.cluster.split-brain-stable-after", TimeSpan.FromSeconds(1)),
            tls);
    }

    private static Address ParseSeed(string seed)
    {
        const string expected = $"seed nodes like akka.tcp://{SystemName}@host:port";
        try
        {
            var address = Address.Parse(seed);
            if (address.Protocol is not (PlainProtocol or TlsProtocol) || address.System != SystemName || address.Host is null || address.Port is null or <= 0)
                throw new SettingException("actormta.cluster.seed-nodes", seed, expected);
            return address;
        }
        catch (Exception e) when (e is not SettingException)
        {
            throw new SettingException("actormta.cluster.seed-nodes", seed, expected);
        }
    }
}
