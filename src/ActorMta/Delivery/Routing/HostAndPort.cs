using System.Globalization;
using System.Net;

namespace ActorMta.Delivery.Routing;

/// <summary>A next-hop host as configured: a name or an IP address, and a port ("mail.example.com:587", "[::1]:2525").</summary>
public sealed record HostAndPort(string Host, int Port)
{
    /// <summary>Parses "host", "host:port", "192.0.2.1:25", "[2001:db8::1]:25"; null when it is none of those.</summary>
    public static HostAndPort? TryParse(string text, int defaultPort)
    {
        var value = text.Trim();
        if (value.Length == 0) return null;
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0) return null;
            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':')) return null;
                port = rest[1..];
            }
            if (!IPAddress.TryParse(host, out _)) return null;
        }
        else
        {
            var colon = value.LastIndexOf(':');
            // More than one colon without brackets is a bare IPv6 address.
            if (colon >= 0 && value.IndexOf(':') == colon)
            {
                host = value[..colon];
                port = value[(colon + 1)..];
            }
            else
            {
                host = value;
            }
            if (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns) return null;
        }
        var number = defaultPort;
        if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is > 0 and <= 65535))
            return null;
        return new HostAndPort(host.ToLowerInvariant(), number);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
