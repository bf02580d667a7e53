namespace ActorMta.Smtp;

/// <summary>The ESMTP parameters this server knows on MAIL and RCPT.</summary>
public enum EsmtpParameter
{
    /// <summary>MAIL SIZE= (RFC 1870).</summary>
    Size,
    /// <summary>MAIL BODY= (RFC 6152, RFC 3030).</summary>
    Body,
    /// <summary>MAIL SMTPUTF8 (RFC 6531).</summary>
    SmtpUtf8,
    /// <summary>MAIL RET= (RFC 3461).</summary>
    Return,
    /// <summary>MAIL ENVID= (RFC 3461).</summary>
    EnvelopeId,
    /// <summary>MAIL AUTH= (RFC 4954), accepted and ignored.</summary>
    Auth,
    /// <summary>RCPT NOTIFY= (RFC 3461).</summary>
    Notify,
    /// <summary>RCPT ORCPT= (RFC 3461).</summary>
    OriginalRecipient,
}

/// <summary>MAIL BODY= value.</summary>
public enum BodyType
{
    Unspecified,
    SevenBit,
    EightBitMime,
    BinaryMime,
}

/// <summary>MAIL RET= value: what a DSN returns of the message.</summary>
public enum DsnReturn
{
    Unspecified,
    Full,
    Headers,
}

/// <summary>RCPT NOTIFY= value: when to send a DSN for this recipient.</summary>
[Flags]
public enum DsnNotify
{
    Unspecified = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}

/// <summary>MAIL parameters after syntax checks. ENVID stays on the line until asked for.</summary>
public readonly record struct MailParameters(long? Size, BodyType Body, bool SmtpUtf8, DsnReturn Return, bool HasEnvelopeId, bool HasAuth);

/// <summary>RCPT parameters after syntax checks. ORCPT stays on the line until asked for.</summary>
public readonly record struct RecipientParameters(DsnNotify Notify, bool HasOriginalRecipient);

/// <summary>RCPT ORCPT=: the recipient as the original sender named it (RFC 3461 section 4.2), xtext-decoded.</summary>
public sealed record OriginalRecipient(string AddressType, string Address);
