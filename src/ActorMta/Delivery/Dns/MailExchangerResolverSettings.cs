using System.Collections.Immutable;
using System.Net;

namespace ActorMta.Delivery.Dns;

/// <summary>How the MX resolver queries DNS and how long it keeps answers.</summary>
public sealed record MailExchangerResolverSettings
{
    /// <summary>Name servers to ask, in order (IP and port); empty uses the system's resolvers.</summary>
    public ImmutableArray<IPEndPoint> NameServers { get; init; } = [];

    /// <summary>Time allowed for one query to one server.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra tries per server after a timeout or network error.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>Repeat a truncated UDP answer over TCP (a large MX set does not fit 512 bytes).</summary>
    public bool UseTcpFallback { get; init; } = true;

    /// <summary>Which address families are used, and in which order.</summary>
    public AddressFamilyPreference AddressPreference { get; init; } = AddressFamilyPreference.PreferIPv4;

    /// <summary>At most this many MX hosts (the most preferred) are resolved to addresses.</summary>
    public int MaxMailExchangers { get; init; } = 10;

    /// <summary>At most this many domains are cached; the least recently used is dropped first.</summary>
    public int MaxCachedDomains { get; init; } = 10_000;

    /// <summary>Positive answers are kept for the smallest TTL of the records used, but never longer than this.</summary>
    public TimeSpan MaxPositiveTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Negative answers (NXDOMAIN, null MX, no address) are kept at least this long, also when no SOA came with them.</summary>
    public TimeSpan MinNegativeTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Negative answers are kept for the SOA minimum (RFC 2308), but never longer than this.</summary>
    public TimeSpan MaxNegativeTtl { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        Require(QueryTimeout > TimeSpan.Zero, nameof(QueryTimeout), "must be positive");
        Require(Retries >= 0, nameof(Retries), "must not be negative");
        Require(MaxMailExchangers > 0, nameof(MaxMailExchangers), "must be positive");
        Require(MaxCachedDomains > 0, nameof(MaxCachedDomains), "must be positive");
        Require(MaxPositiveTtl >= TimeSpan.Zero, nameof(MaxPositiveTtl), "must not be negative");
        Require(MinNegativeTtl >= TimeSpan.Zero, nameof(MinNegativeTtl), "must not be negative");
        Require(MaxNegativeTtl >= MinNegativeTtl, nameof(MaxNegativeTtl), $"must be at least {nameof(MinNegativeTtl)}");
    }

    private static void Require(bool valid, string setting, string rule)
    {
        if (!valid)
        {
            throw new ArgumentException($"MX resolver setting {setting} {rule}.", setting);
        }
    }
}
