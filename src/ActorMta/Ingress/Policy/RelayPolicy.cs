using System.Net;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Policy;

/// <summary>What the relay check says about one recipient.</summary>
public enum RelayVerdict
{
    Accept,
    /// <summary>Not an accepted domain and the client may not relay: 554 5.7.1.</summary>
    RelayDenied,
    /// <summary>'%', '!' or '@' in the local part from a client that may not relay: the old routing tricks, 554 5.7.1.</summary>
    RoutingDenied,
}

/// <summary>
/// No open relay (design invariant 3): a client in the trusted networks or an authenticated one
/// may send to any domain; anyone else only to the accepted domains, and never with sender-specified
/// routing in the local part (user%other@accepted, user!other@accepted, "user@other"@accepted), which
/// a downstream server might still obey (Postfix's allow_untrusted_routing = no).
/// </summary>
public sealed class RelayPolicy(TrustedNetworks trusted, AcceptedDomains accepted)
{
    public TrustedNetworks Trusted { get; } = trusted;
    public AcceptedDomains Accepted { get; } = accepted;

    public bool IsTrusted(IPAddress client) => Trusted.Contains(client);

    /// <param name="mayRelay">The client is trusted or authenticated.</param>
    public RelayVerdict Check(ForwardPath recipient, bool mayRelay)
    {
        // RFC 5321 4.5.1: <postmaster> must be accepted from anyone.
        if (mayRelay || recipient.Mailbox is not { } mailbox) return RelayVerdict.Accept;
        if (mailbox.HasRoutingCharacters) return RelayVerdict.RoutingDenied;
        return !mailbox.IsAddressLiteral && Accepted.Contains(mailbox.Domain) ? RelayVerdict.Accept : RelayVerdict.RelayDenied;
    }
}
