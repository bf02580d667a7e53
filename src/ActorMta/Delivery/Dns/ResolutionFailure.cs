namespace ActorMta.Delivery.Dns;

/// <summary>Why a destination domain could not be resolved to mail exchangers.</summary>
public enum ResolutionFailure
{
    /// <summary>The domain is not a valid host name or address literal (permanent, 5.1.3).</summary>
    InvalidDomain,

    /// <summary>NXDOMAIN (permanent, 5.1.2).</summary>
    NoSuchDomain,

    /// <summary>The domain publishes a null MX, RFC 7505 (permanent, 5.1.10): never connect.</summary>
    NullMx,

    /// <summary>No MX and no A/AAAA records that can be used (permanent, 5.1.2).</summary>
    NoAddresses,

    /// <summary>MX records exist, but none of their hosts has a usable address right now (temporary, 4.4.3).</summary>
    NoMailExchangerAddresses,

    /// <summary>The name server answered SERVFAIL, REFUSED or another error (temporary, 4.4.3).</summary>
    DnsServerFailure,

    /// <summary>No name server answered in time (temporary, 4.4.3).</summary>
    DnsTimeout,
}
