using static ActorMta.Smtp.SmtpSessionState;
using static ActorMta.Smtp.SmtpVerb;

namespace ActorMta.Smtp;

/// <summary>
/// Which verbs each session state allows, as data (after cosullivan/SmtpServer's StateMachine).
/// The rules: RFC 5321 4.1.4 (MAIL needs HELO/EHLO, RCPT needs MAIL, DATA needs RCPT; HELO/EHLO
/// and RSET abort a transaction), RFC 3207 and 4954 (no STARTTLS or AUTH before EHLO or inside a
/// transaction; after STARTTLS the client starts over), RFC 3030 (BDAT needs RCPT; once BDAT has
/// been used, DATA and RCPT are refused until the transaction ends by BDAT LAST or RSET).
/// </summary>
/// <remarks>
/// A refused BDAT still has its chunk on the wire: read it with <see cref="ChunkReader.BeginSkip"/>.
/// DATA's next state (Greeted) applies once the message has been read and answered.
/// </remarks>
public static class SmtpStateTable
{
    private static readonly SessionTransition[][] Table = Build(
        In(Connected,
            Go(Helo, Greeted), Go(Ehlo, Greeted),
            Refuse(Mail, SmtpReplies.SendHeloFirst), Refuse(Rcpt, SmtpReplies.SendHeloFirst),
            Refuse(Data, SmtpReplies.SendHeloFirst), Refuse(Bdat, SmtpReplies.SendHeloFirst),
            Refuse(StartTls, SmtpReplies.SendEhloFirst), Refuse(Auth, SmtpReplies.SendEhloFirst),
            Go(Rset, Connected), Go(Noop, Connected), Go(Quit, Connected), Go(Vrfy, Connected), Go(Help, Connected)),
        In(Greeted,
            Go(Helo, Greeted), Go(Ehlo, Greeted),
            Go(Mail, MailStarted), Refuse(Rcpt, SmtpReplies.NeedMail),
            Refuse(Data, SmtpReplies.NeedMail), Refuse(Bdat, SmtpReplies.NeedMail),
            Go(StartTls, Connected), Go(Auth, Greeted),
            Go(Rset, Greeted), Go(Noop, Greeted), Go(Quit, Greeted), Go(Vrfy, Greeted), Go(Help, Greeted)),
        In(MailStarted,
            Go(Helo, Greeted), Go(Ehlo, Greeted),
            Refuse(Mail, SmtpReplies.NestedMail), Go(Rcpt, RecipientsGiven),
            Refuse(Data, SmtpReplies.NeedRecipient), Refuse(Bdat, SmtpReplies.NeedRecipient),
            Refuse(StartTls, SmtpReplies.TransactionInProgress), Refuse(Auth, SmtpReplies.TransactionInProgress),
            Go(Rset, Greeted), Go(Noop, MailStarted), Go(Quit, MailStarted), Go(Vrfy, MailStarted), Go(Help, MailStarted)),
        In(RecipientsGiven,
            Go(Helo, Greeted), Go(Ehlo, Greeted),
            Refuse(Mail, SmtpReplies.NestedMail), Go(Rcpt, RecipientsGiven),
            Go(Data, Greeted), Go(Bdat, InBdat, lastChunk: Greeted),
            Refuse(StartTls, SmtpReplies.TransactionInProgress), Refuse(Auth, SmtpReplies.TransactionInProgress),
            Go(Rset, Greeted), Go(Noop, RecipientsGiven), Go(Quit, RecipientsGiven), Go(Vrfy, RecipientsGiven), Go(Help, RecipientsGiven)),
        In(InBdat,
            Go(Helo, Greeted), Go(Ehlo, Greeted),
            Refuse(Mail, SmtpReplies.NestedMail), Refuse(Rcpt, SmtpReplies.RecipientAfterBdat),
            Refuse(Data, SmtpReplies.DataAfterBdat), Go(Bdat, InBdat, lastChunk: Greeted),
            Refuse(StartTls, SmtpReplies.TransactionInProgress), Refuse(Auth, SmtpReplies.TransactionInProgress),
            Go(Rset, Greeted), Go(Noop, InBdat), Go(Quit, InBdat), Go(Vrfy, InBdat), Go(Help, InBdat)));

    /// <summary>Whether <paramref name="verb"/> may be used in <paramref name="state"/>, and what follows.</summary>
    public static SessionTransition Lookup(SmtpSessionState state, SmtpVerb verb)
    {
        if (verb == SmtpVerb.None) throw new ArgumentOutOfRangeException(nameof(verb), "unknown verbs are answered by the parser");
        return Table[(int)state][(int)verb];
    }

    /// <summary>Every rule of <paramref name="state"/>, one per verb.</summary>
    public static IReadOnlyList<SessionTransition> Rules(SmtpSessionState state) => Table[(int)state].Skip(1).ToArray();

    private static (SmtpSessionState State, SessionTransition[] Rules) In(SmtpSessionState state, params SessionTransition[] rules) => (state, rules);

    private static SessionTransition Go(SmtpVerb verb, SmtpSessionState next, SmtpSessionState? lastChunk = null) =>
        new(verb, true, next, null) { NextStateAfterLastChunk = lastChunk ?? next };

    private static SessionTransition Refuse(SmtpVerb verb, SmtpReply reply) => new(verb, false, default, reply);

    private static SessionTransition[][] Build(params (SmtpSessionState State, SessionTransition[] Rules)[] states)
    {
        var verbs = Enum.GetValues<SmtpVerb>().Where(v => v != SmtpVerb.None).ToArray();
        var table = new SessionTransition[Enum.GetValues<SmtpSessionState>().Length][];
        foreach (var (state, rules) in states)
        {
            table[(int)state] = new SessionTransition[verbs.Length + 1];
            foreach (var rule in rules) table[(int)state][(int)rule.Verb] = rule;
            // Missing or doubled rules are a defect in the table above, not a runtime condition.
            if (rules.Length != verbs.Length || verbs.Any(v => table[(int)state][(int)v] is null))
                throw new InvalidOperationException($"state {state} must have exactly one rule per verb");
        }
        return table;
    }
}
