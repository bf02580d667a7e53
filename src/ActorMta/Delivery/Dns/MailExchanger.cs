using System.Collections.Immutable;
using System.Net;

namespace ActorMta.Delivery.Dns;

/// <summary>A host that receives mail for a domain, its MX preference, and its addresses in the order to try them.</summary>
public sealed record MailExchanger(string HostName, int Preference, ImmutableArray<IPAddress> Addresses);

/// <summary>Where the mail exchangers of a resolution came from.</summary>
public enum MailExchangerSource
{
    /// <summary>The domain's MX records.</summary>
    MxRecords,

    /// <summary>No MX records: the domain's own A/AAAA records as an implicit MX of preference 0 (RFC 5321 5.1).</summary>
    ImplicitMx,

    /// <summary>An address literal such as [192.0.2.1]: no DNS at all.</summary>
    AddressLiteral,
}
