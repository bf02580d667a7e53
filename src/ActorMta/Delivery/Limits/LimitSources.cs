using System.Globalization;
using ActorMta.Delivery.Routing;

namespace ActorMta.Delivery.Limits;

/// <summary>One limit of a domain in effect now, and where it came from.</summary>
/// <param name="Source">The full path of the setting that gave it: the domain's entry (exact or wildcard) or the defaults.</param>
/// <param name="Configured">What the setting says, when backoff has scaled it (<paramref name="AdjustedBy"/> says why).</param>
public sealed record LimitSource(double Value, string Source, double? Configured = null, string? AdjustedBy = null);

/// <summary>
/// The provenance of a domain's limits, for operators asking "why only 2 connections?": each limit's value
/// in effect, the setting that produced it, and the backoff throttle that scales it, if any. The domain's
/// delivery actor is the only one in the fleet, so these are the fleet's limits for the domain.
/// </summary>
public static class LimitSources
{
    public static IReadOnlyDictionary<string, LimitSource> Of(DomainPolicy policy, double throttleFactor, string? throttleReason)
    {
        var configured = policy.Limits;
        var now = configured.Scaled(throttleFactor);
        var throttle = $"backoff throttle x{throttleFactor.ToString("0.##", CultureInfo.InvariantCulture)}: {throttleReason}";
        LimitSource Of(string key, double value, double setting) =>
            value == setting ? new(value, policy.SourceOf(key)) : new(value, policy.SourceOf(key), setting, throttle);
        return new Dictionary<string, LimitSource>(StringComparer.Ordinal)
        {
            ["max_connections"] = Of("max-connections", now.MaxConnections, configured.MaxConnections),
            ["max_messages_per_second"] = Of("max-messages-per-second", now.MaxMessagesPerSecond, configured.MaxMessagesPerSecond),
            ["max_new_connections_per_second"] = Of("max-new-connections-per-second", now.MaxNewConnectionsPerSecond, configured.MaxNewConnectionsPerSecond),
            ["max_messages_per_connection"] = Of("max-messages-per-connection", now.MaxMessagesPerConnection, configured.MaxMessagesPerConnection),
            ["max_recipients_per_transaction"] = Of("max-recipients-per-transaction", now.MaxRecipientsPerTransaction, configured.MaxRecipientsPerTransaction),
            ["idle_timeout_seconds"] = Of("idle-timeout", now.IdleTimeout.TotalSeconds, configured.IdleTimeout.TotalSeconds),
        };
    }
}
