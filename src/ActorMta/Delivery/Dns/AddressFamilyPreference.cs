namespace ActorMta.Delivery.Dns;

/// <summary>Which address families of a mail exchanger are used, and which is tried first.</summary>
public enum AddressFamilyPreference
{
    /// <summary>IPv4 addresses first, then IPv6 (bulk senders usually have better IPv4 reputation).</summary>
    PreferIPv4,

    /// <summary>IPv6 addresses first, then IPv4.</summary>
    PreferIPv6,

    /// <summary>Only IPv4: AAAA records are not even asked for.</summary>
    IPv4Only,

    /// <summary>Only IPv6: A records are not even asked for.</summary>
    IPv6Only,
}
