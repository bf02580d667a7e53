namespace ActorMta.Management.Dashboard;

/// <param name="Interval">How often a stream pushes a snapshot (actormta.management.dashboard.interval).</param>
/// <param name="MaxStreams">Streams open at once on this node; one more is answered 503.</param>
public sealed record DashboardSettings(TimeSpan Interval, int MaxStreams);
