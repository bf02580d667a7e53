using System.Net;
using ActorMta.Configuration;

namespace ActorMta.Management;

public sealed record ManagementSettings(IPAddress Address, int Port, TimeSpan JournalProbeTimeout)
{
    public static ManagementSettings From(SettingsReader settings) => new(
        settings.Address("actormta.management.hostname"),
        settings.Port("actormta.management.port", allowZero: true),
        settings.Duration("actormta.management.journal-probe-timeout", TimeSpan.FromMilliseconds(100)));
}
