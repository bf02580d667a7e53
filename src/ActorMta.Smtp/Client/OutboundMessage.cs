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
/// <param name="DataReply">The reply that ended the content (after "." or BDAT LAST, or the first refused chunk), or the refusal of DATA itself.</param>
public sealed record TransactionResult(SmtpReply? MailReply, IReadOnlyList<SmtpReply?> RecipientReplies, SmtpReply? DataReply)
{
    /// <summary>
    /// True when the client decided without sending anything (message larger than the server's SIZE,
    /// SMTPUTF8 or BINARYMIME needed but not offered): <see cref="MailReply"/> and every recipient's
    /// reply is that locally made reply, and the server never saw the message.
    /// </summary>
    public bool LocalVerdict { get; init; }

    /// <summary>A locally made verdict for every recipient of a message that was not sent.</summary>
    public static TransactionResult Local(SmtpReply reply, int recipients) =>
        new(reply, Enumerable.Repeat<SmtpReply?>(reply, recipients).ToArray(), null) { LocalVerdict = true };

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
