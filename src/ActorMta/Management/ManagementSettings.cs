using System.Net;
using ActorMta.Configuration;
using ActorMta.Management.Access;
using ActorMta.Management.Dashboard;

namespace ActorMta.Management;

/// <param name="MetricsTopDomains">How many destination domains get a metric label of their own (the rest are "other").</param>
public sealed record ManagementSettings(IPAddress Address, int Port, TimeSpan JournalProbeTimeout, ManagementTokens Tokens, int MetricsTopDomains = 50)
{
    /// <summary>Bound where other hosts can reach it: then reading needs a token too.</summary>
    public bool BeyondLoopback => !IPAddress.IsLoopback(Address);

    /// <summary>actormta.management.dashboard: the live dashboard's event stream.</summary>
    public DashboardSettings Dashboard { get; init; } = DashboardSettings.Default;

    public static ManagementSettings From(SettingsReader settings, NodeSettings node) =>
        Endpoint(settings, node) with { Dashboard = DashboardSettings.From(settings) };

    private static ManagementSettings Endpoint(SettingsReader settings, NodeSettings node)
    {
        var address = settings.Address("actormta.management.hostname");
        var tokens = ManagementTokens.From(settings, node.DataDirectory);
        if (!IPAddress.IsLoopback(address) && !tokens.Any)
            throw SettingException.Conflict("actormta.management.hostname", address.ToString(),
                "the management endpoint answers beyond loopback only with bearer tokens: set actormta.management.tokens.read and .admin " +
                "(ACTORMTA_MANAGEMENT_READ_TOKENS, ACTORMTA_MANAGEMENT_ADMIN_TOKENS) or a tokens file (ACTORMTA_MANAGEMENT_TOKENS_FILE), or bind 127.0.0.1");
        return new(address,
            settings.Port("actormta.management.port", allowZero: true),
            settings.Duration("actormta.management.journal-probe-timeout", TimeSpan.FromMilliseconds(100)),
            tokens,
            settings.Int("actormta.management.metrics.top-domains", 0, 10_000));
    }
}
