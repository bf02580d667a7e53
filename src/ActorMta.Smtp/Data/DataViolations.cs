namespace ActorMta.Smtp;

/// <summary>What was wrong with a message's content. The readers keep reading to the end regardless.</summary>
[Flags]
public enum DataViolations
{
    None = 0,
    /// <summary>A CR or LF not part of CRLF (only in <see cref="BareLineEndingHandling.Reject"/> mode).</summary>
    BareLineEnding = 1 << 0,
    /// <summary>A NUL octet while <see cref="SmtpLimits.AllowNulInData"/> is off.</summary>
    NulOctet = 1 << 1,
    /// <summary>A text line longer than <see cref="SmtpLimits.TextLineLength"/>.</summary>
    LineTooLong = 1 << 2,
    /// <summary>More than <see cref="SmtpLimits.MaxMessageSize"/> octets; storing stopped there.</summary>
    TooBig = 1 << 3,
}

public static class DataViolationsExtensions
{
    /// <summary>
    /// The reply refusing a message with these violations, most serious first: bare line endings
    /// (550 5.5.2), NUL (550 5.6.0), size (552 5.3.4), long lines (550 5.6.0). Null when there are none.
    /// A session that tolerates long lines checks <see cref="DataViolations.LineTooLong"/> itself.
    /// </summary>
    public static SmtpReply? ToRejectionReply(this DataViolations violations) =>
        (violations & DataViolations.BareLineEnding) != 0 ? SmtpReplies.BareLineEndingInData
        : (violations & DataViolations.NulOctet) != 0 ? SmtpReplies.NulInData
        : (violations & DataViolations.TooBig) != 0 ? SmtpReplies.MessageTooBig
        : (violations & DataViolations.LineTooLong) != 0 ? SmtpReplies.TextLineTooLong
        : null;
}
