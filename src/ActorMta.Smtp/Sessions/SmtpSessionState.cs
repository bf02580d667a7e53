namespace ActorMta.Smtp;

/// <summary>Where an SMTP session stands between commands (RFC 5321 section 4.1.4, RFC 3030).</summary>
public enum SmtpSessionState
{
    /// <summary>Greeting sent, no HELO/EHLO yet (also right after STARTTLS).</summary>
    Connected,
    /// <summary>HELO/EHLO done, no mail transaction open.</summary>
    Greeted,
    /// <summary>MAIL accepted, no recipient accepted yet.</summary>
    MailStarted,
    /// <summary>At least one RCPT accepted.</summary>
    RecipientsGiven,
    /// <summary>A BDAT chunk without LAST accepted; only more BDAT (or RSET) continues.</summary>
    InBdat,
}

/// <summary>
/// The table's answer for a verb in a state: allowed, and where the session goes once the command
/// succeeds; or refused with a 503 5.5.1 reply. A command that fails for another reason (policy,
/// syntax) leaves the state as it was.
/// </summary>
public sealed record SessionTransition(SmtpVerb Verb, bool IsAllowed, SmtpSessionState NextState, SmtpReply? Refusal)
{
    /// <summary>For BDAT: the state after a LAST chunk (the transaction is complete).</summary>
    public SmtpSessionState NextStateAfterLastChunk { get; init; } = NextState;
}
