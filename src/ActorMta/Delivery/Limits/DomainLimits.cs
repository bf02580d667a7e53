namespace ActorMta.Delivery.Limits;

/// <summary>
/// How hard one egress source may push one destination domain. Zero rates mean "no limit".
/// The domain's delivery actor is the only one in the fleet, so these hold fleet-wide.
/// </summary>
public sealed record DomainLimits(
    int MaxConnections,
    double MaxMessagesPerSecond,
    double MaxNewConnectionsPerSecond,
    int MaxMessagesPerConnection,
    int MaxRecipientsPerTransaction,
    TimeSpan IdleTimeout)
{
    /// <summary>The limits while the domain is throttled: everything scaled by <paramref name="factor"/>, at least one connection.</summary>
    public DomainLimits Scaled(double factor) => factor >= 1
        ? this
        : this with
        {
            MaxConnections = Math.Max(1, (int)Math.Floor(MaxConnections * factor)),
            MaxMessagesPerSecond = MaxMessagesPerSecond * factor,
            MaxNewConnectionsPerSecond = MaxNewConnectionsPerSecond * factor,
        };
}
