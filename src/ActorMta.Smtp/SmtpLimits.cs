namespace ActorMta.Smtp;

/// <summary>
/// Protocol limits. Defaults are the RFC minimums every SMTP implementation must accept
/// (RFC 5321 4.5.3.1) plus generous, bounded room for extensions.
/// </summary>
public sealed record SmtpLimits
{
    /// <summary>The defaults.</summary>
    public static SmtpLimits Default { get; } = new();

    /// <summary>Command line length including CRLF (RFC 5321 4.5.3.1.4: 512).</summary>
    public int CommandLineLength { get; init => field = AtLeast(value, 16); } = 512;

    /// <summary>
    /// Extra octets a MAIL or RCPT line may use when it carries ESMTP parameters
    /// (RFC 1869 section 4.1.2; DSN alone adds 100 for MAIL and 500 for RCPT, RFC 3461 section 5).
    /// </summary>
    public int ParameterAllowance { get; init => field = AtLeast(value, 0); } = 1024;

    /// <summary>The hard limit the line reader enforces for command lines.</summary>
    public int MaxCommandLineLength => CommandLineLength + ParameterAllowance;

    /// <summary>SASL response line length during AUTH, including CRLF (RFC 4954 section 4: 12288).</summary>
    public int AuthLineLength { get; init => field = AtLeast(value, 16); } = 12288;

    /// <summary>Local-part length in octets (RFC 5321 4.5.3.1.1: 64).</summary>
    public int MaxLocalPartLength { get; init => field = AtLeast(value, 1); } = 64;

    /// <summary>Domain length in octets (RFC 5321 4.5.3.1.2: 255).</summary>
    public int MaxDomainLength { get; init => field = AtLeast(value, 1); } = 255;

    /// <summary>Reverse- or forward-path length including the angle brackets (RFC 5321 4.5.3.1.3: 256).</summary>
    public int MaxPathLength { get; init => field = AtLeast(value, 3); } = 256;

    /// <summary>Largest message accepted, in octets after dot-unstuffing (advertised as SIZE).</summary>
    public long MaxMessageSize { get; init => field = AtLeast(value, 1L); } = 25L * 1024 * 1024;

    /// <summary>Text line length in the message, including CRLF (RFC 5321 4.5.3.1.6: 1000).</summary>
    public int TextLineLength { get; init => field = AtLeast(value, 3); } = 1000;

    /// <summary>Whether NUL octets may appear in message content (RFC 6152 forbids them even in 8BITMIME).</summary>
    public bool AllowNulInData { get; init; }

    /// <summary>What the DATA reader does with a CR or LF that is not part of a CRLF pair.</summary>
    public BareLineEndingHandling BareLineEndings { get; init; } = BareLineEndingHandling.Reject;

    /// <summary>Reply line length the client accepts, including CRLF. RFC 5321 says 512; real servers send longer text.</summary>
    public int ReplyLineLength { get; init => field = AtLeast(value, 16); } = 4096;

    /// <summary>Lines the client accepts in one multi-line reply (an EHLO reply has a dozen).</summary>
    public int MaxReplyLines { get; init => field = AtLeast(value, 1); } = 100;

    private static int AtLeast(int value, int minimum) =>
        value >= minimum ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"must be at least {minimum}");

    private static long AtLeast(long value, long minimum) =>
        value >= minimum ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"must be at least {minimum}");
}

/// <summary>How the DATA reader treats a bare CR or bare LF.</summary>
public enum BareLineEndingHandling
{
    /// <summary>Keep reading to the real CRLF.CRLF, then report <see cref="DataViolations.BareLineEnding"/> (reply 550 5.5.2).</summary>
    Reject,

    /// <summary>Store CRLF in its place. It is still never a line end for dot-unstuffing or the end of data.</summary>
    Normalize,
}
