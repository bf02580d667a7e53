namespace ActorMta.Smtp;

/// <summary>
/// ESMTP extensions a server offers (drives the EHLO reply) and therefore which
/// MAIL/RCPT parameters the parser accepts: a parameter of an extension not offered is unknown (555).
/// </summary>
[Flags]
public enum SmtpExtensions
{
    None = 0,
    /// <summary>RFC 2920.</summary>
    Pipelining = 1 << 0,
    /// <summary>RFC 1870: SIZE=.</summary>
    Size = 1 << 1,
    /// <summary>RFC 6152: BODY=7BIT|8BITMIME.</summary>
    EightBitMime = 1 << 2,
    /// <summary>RFC 6531: SMTPUTF8, UTF-8 addresses.</summary>
    SmtpUtf8 = 1 << 3,
    /// <summary>RFC 2034.</summary>
    EnhancedStatusCodes = 1 << 4,
    /// <summary>RFC 3030: BDAT.</summary>
    Chunking = 1 << 5,
    /// <summary>RFC 3030: BODY=BINARYMIME (needs <see cref="Chunking"/>).</summary>
    BinaryMime = 1 << 6,
    /// <summary>RFC 3461: RET=, ENVID=, NOTIFY=, ORCPT=.</summary>
    Dsn = 1 << 7,
    /// <summary>RFC 3207.</summary>
    StartTls = 1 << 8,
    /// <summary>RFC 4954: AUTH command and MAIL AUTH=.</summary>
    Auth = 1 << 9,
}
