using ActorMta.Configuration;

namespace ActorMta.Management.Dashboard;

/// <param name="Interval">How often a stream pushes a snapshot (actormta.management.dashboard.interval).</param>
/// <param name="MaxStreams">Streams open at once on this node; one more is answered 503.</param>
public sealed record DashboardSettings(TimeSpan Interval, int MaxStreams)
{
    /// <summary>As hocon/actormta.conf has them.</summary>
    public static readonly DashboardSettings Default = new(TimeSpan.FromSeconds(1), 8);

    public static DashboardSettings From(SettingsReader settings) => new(
        settings.Duration("actormta.management.dashboard.interval", TimeSpan.FromMilliseconds(100)),
        settings.Int("actormta.management.dashboard.max-streams", 1, 1000));
}
