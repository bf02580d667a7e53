using ActorMta.Smtp;

namespace ActorMta.Contracts;

/// <summary>
/// The SMTP envelope of an accepted message, as the session received it: who sent it, to whom,
/// with which ESMTP parameters, and from which client. The body lives beside it in the body store.
/// </summary>
/// <param name="Pool">The egress pool the message asked for (its pool header, else its tenant's pool), chosen at
/// acceptance; null: the destination domain's pool. Persisted in MessageAccepted: events written before it read as null.</param>
public sealed record SmtpEnvelope(
    string ReversePath,
    IReadOnlyList<EnvelopeRecipient> Recipients,
    BodyType BodyType,
    bool SmtpUtf8,
    DsnReturn Ret,
    string? EnvelopeId,
    SubmittingClient Client,
    DateTimeOffset ReceivedAt,
    string? Pool = null)
{
    /// <summary>`MAIL FROM:&lt;&gt;`: bounces and other notifications; never answered with a DSN.</summary>
    public bool HasNullReversePath => ReversePath.Length == 0;
}

/// <param name="Address">The forward-path mailbox, local@domain, as given (domain case kept for the wire).</param>
/// <param name="Notify">RCPT NOTIFY= (RFC 3461); <see cref="DsnNotify.Unspecified"/> when not given.</param>
/// <param name="OriginalRecipient">RCPT ORCPT= as "addr-type;address" (decoded xtext), if given.</param>
public sealed record EnvelopeRecipient(string Address, DsnNotify Notify = DsnNotify.Unspecified, string? OriginalRecipient = null)
{
    /// <summary>The destination domain, lower-cased: the unit of routing and of delivery limits.</summary>
    public string Domain => MailAddress.DomainOf(Address);
}

/// <summary>Where a message came from: for the Received header, the delivery log and the queue API.</summary>
public sealed record SubmittingClient(
    string Address,
    string HeloName,
    string Listener,
    string? AuthenticatedUser = null,
    string? TlsProtocol = null,
    string? TlsCipher = null);

public static class MailAddress
{
    /// <summary>The domain of local@domain (after the last '@'), lower-cased; address literals keep their brackets.</summary>
    public static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "" : address[(at + 1)..].ToLowerInvariant();
    }
}
