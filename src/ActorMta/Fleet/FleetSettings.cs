using ActorMta.Configuration;
using Akka.Actor;

namespace ActorMta.Fleet;

/// <summary>How this node joins the fleet. No seed nodes: it joins itself (a cluster of one).</summary>
public sealed record FleetSettings(
    string Hostname,
    string? PublicHostname,
    int Port,
    IReadOnlyList<Address> SeedNodes,
    IReadOnlyList<string> Roles,
    TimeSpan SplitBrainStableAfter)
{
    public const string SystemName = "actormta";

    public static FleetSettings From(SettingsReader settings)
    {
        var seeds = settings.List("actormta.cluster.seed-nodes").Select(ParseSeed).ToArray();
        var publicHost = settings.String("actormta.cluster.public-hostname");
        return new FleetSettings(
            settings.String("actormta.cluster.hostname", allowEmpty: false),
            publicHost.Length == 0 ? null : publicHost,
            settings.Port("actormta.cluster.port", allowZero: true),
            seeds,
            settings.List("actormta.cluster.roles"),
            settings.Duration("actormta.cluster.split-brain-stable-after", TimeSpan.FromSeconds(1)));
    }

    private static Address ParseSeed(string seed)
    {
        const string expected = $"seed nodes like akka.tcp://{SystemName}@host:port";
        try
        {
            var address = Address.Parse(seed);
            if (address.System != SystemName || address.Host is null || address.Port is null or <= 0)
                throw new SettingException("actormta.cluster.seed-nodes", seed, expected);
            return address;
        }
        catch (Exception e) when (e is not SettingException)
        {
            throw new SettingException("actormta.cluster.seed-nodes", seed, expected);
        }
    }
}
