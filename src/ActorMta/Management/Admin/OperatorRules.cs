using System.Security.Cryptography;
using System.Text;

namespace ActorMta.Management.Admin;

/// <summary>
/// What the suspend and bounce APIs share about a domain's operator rule: an id the same from every node
/// (a digest of what the rule is and when it ends, new for each new rule), and KumoMTA's "time left".
/// </summary>
internal static class OperatorRules
{
    public static Guid IdOf(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));

    /// <summary>Time left, e.g. "1h 59m 58s", as KumoMTA lists it.</summary>
    public static string Remaining(TimeSpan left) =>
        string.Join(' ', new[] { (left.Days, "d"), (left.Hours, "h"), (left.Minutes, "m"), (left.Seconds, "s") }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1}{p.Item2}")) is { Length: > 0 } text ? text : "0s";

    /// <summary>The length of a rule from KumoMTA's duration ("90s", "30m", "2h", "1d") or expires; null if neither is usable.</summary>
    public static TimeSpan? LengthOf(string? duration, DateTimeOffset? expires, DateTimeOffset now, TimeSpan? otherwise = null)
    {
        var length = expires is { } end ? end - now
            : duration is { } text ? DeliveryEndpoints.ParseDuration(text) : otherwise;
        return length > TimeSpan.Zero ? length : null;
    }
}
