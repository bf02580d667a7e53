namespace ActorMta.Smtp.Client;

/// <summary>One transaction to send: the envelope and the body, relayed byte for byte.</summary>
/// <param name="ReversePath">MAIL FROM address without brackets; "" for the null reverse-path.</param>
/// <param name="Body">The message as queued (headers and body, CRLF line endings; not dot-stuffed).</param>
public sealed record OutboundMessage(
    string ReversePath,
    IReadOnlyList<OutboundRecipient> Recipients,
    ReadOnlyMemory<byte> Body,
    BodyType BodyType = BodyType.Unspecified,
    bool SmtpUtf8 = false,
    string? EnvelopeId = null,
    DsnReturn Ret = DsnReturn.Unspecified);

/// <param name="OriginalRecipient">ORCPT as "addr-type;address" (decoded), passed on when the server offers DSN.</param>
public sealed record OutboundRecipient(string Address, DsnNotify Notify = DsnNotify.Unspecified, string? OriginalRecipient = null);

public enum RecipientOutcome { Delivered, Deferred, Failed }

/// <summary>
/// What the server said to one transaction. A recipient is delivered when its RCPT and the data
/// got 2yz; failed on a 5yz to MAIL, its RCPT or the data; deferred on 4yz or no reply.
/// </summary>
public sealed record TransactionResult(SmtpReply? MailReply, IReadOnlyList<SmtpReply?> RecipientReplies, SmtpReply? DataReply)
{
    public RecipientOutcome OutcomeOf(int recipient) => Decisive(recipient) switch
    {
        { IsPositiveCompletion: true } => RecipientOutcome.Delivered,
        { IsPermanentFailure: true } => RecipientOutcome.Failed,
        _ => RecipientOutcome.Deferred,
    };

    /// <summary>The reply that decided the recipient's outcome (null: the connection ended first).</summary>
    public SmtpReply? Decisive(int recipient)
    {
        if (MailReply is not { IsPositiveCompletion: true }) return MailReply;
        var rcpt = RecipientReplies[recipient];
        if (rcpt is not { IsPositiveCompletion: true }) return rcpt;
        return DataReply;
    }
}
