using static ActorMta.Smtp.SmtpSessionState;
using static ActorMta.Smtp.SmtpVerb;

namespace ActorMta.Smtp.Tests.Sessions;

public class SmtpStateTableTests
{
    private static readonly SmtpVerb[] Verbs = Enum.GetValues<SmtpVerb>().Where(v => v != None).ToArray();

    [Fact]
    public void Every_state_has_one_rule_for_every_verb_and_refusals_are_503_5_5_1()
    {
        foreach (var state in Enum.GetValues<SmtpSessionState>())
        {
            Assert.Equal(Verbs, SmtpStateTable.Rules(state).Select(r => r.Verb).Order());
            foreach (var rule in SmtpStateTable.Rules(state))
            {
                Assert.Equal(rule.IsAllowed, rule.Refusal is null);
                if (!rule.IsAllowed) Assert.StartsWith("503 5.5.1 ", rule.Refusal!.ToString());
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => SmtpStateTable.Lookup(Greeted, None));
    }

    [Theory]
    [InlineData(Rset)]
    [InlineData(Noop)]
    [InlineData(Quit)]
    [InlineData(Vrfy)]
    [InlineData(Help)]
    [InlineData(Helo)]
    [InlineData(Ehlo)]
    public void Some_verbs_are_allowed_in_every_state(SmtpVerb verb)
    {
        foreach (var state in Enum.GetValues<SmtpSessionState>()) Assert.True(SmtpStateTable.Lookup(state, verb).IsAllowed, $"{verb} in {state}");
    }

    [Theory]
    [InlineData(Connected, Mail, "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData(Connected, Rcpt, "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData(Connected, SmtpVerb.Data, "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData(Connected, Bdat, "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData(Connected, StartTls, "503 5.5.1 Error: send EHLO first")]
    [InlineData(Connected, Auth, "503 5.5.1 Error: send EHLO first")]
    [InlineData(Greeted, Rcpt, "503 5.5.1 Error: need MAIL command")]
    [InlineData(Greeted, SmtpVerb.Data, "503 5.5.1 Error: need MAIL command")]
    [InlineData(Greeted, Bdat, "503 5.5.1 Error: need MAIL command")]
    [InlineData(MailStarted, Mail, "503 5.5.1 Error: nested MAIL command")]
    [InlineData(MailStarted, SmtpVerb.Data, "503 5.5.1 Error: need RCPT command")]
    [InlineData(MailStarted, Bdat, "503 5.5.1 Error: need RCPT command")]
    [InlineData(MailStarted, StartTls, "503 5.5.1 Error: MAIL transaction in progress")]
    [InlineData(MailStarted, Auth, "503 5.5.1 Error: MAIL transaction in progress")]
    [InlineData(RecipientsGiven, Mail, "503 5.5.1 Error: nested MAIL command")]
    [InlineData(RecipientsGiven, Auth, "503 5.5.1 Error: MAIL transaction in progress")]
    [InlineData(InBdat, SmtpVerb.Data, "503 5.5.1 Error: DATA not allowed after BDAT in the same transaction")]
    [InlineData(InBdat, Rcpt, "503 5.5.1 Error: RCPT not allowed after BDAT in the same transaction")]
    [InlineData(InBdat, Mail, "503 5.5.1 Error: nested MAIL command")]
    [InlineData(InBdat, StartTls, "503 5.5.1 Error: MAIL transaction in progress")]
    public void Out_of_sequence_commands_are_refused_with_a_reason(SmtpSessionState state, SmtpVerb verb, string reply)
    {
        var rule = SmtpStateTable.Lookup(state, verb);
        Assert.False(rule.IsAllowed);
        Assert.Equal(reply, rule.Refusal!.ToString());
    }

    [Theory]
    [InlineData(Connected, Ehlo, Greeted)]
    [InlineData(Connected, Rset, Connected)]
    [InlineData(Greeted, Mail, MailStarted)]
    [InlineData(Greeted, StartTls, Connected)] // RFC 3207: the client starts over with EHLO
    [InlineData(Greeted, Auth, Greeted)]
    [InlineData(MailStarted, Rcpt, RecipientsGiven)]
    [InlineData(MailStarted, Rset, Greeted)]
    [InlineData(MailStarted, Ehlo, Greeted)]
    [InlineData(MailStarted, Noop, MailStarted)]
    [InlineData(RecipientsGiven, Rcpt, RecipientsGiven)]
    [InlineData(RecipientsGiven, SmtpVerb.Data, Greeted)]
    [InlineData(RecipientsGiven, Bdat, InBdat)]
    [InlineData(InBdat, Bdat, InBdat)]
    [InlineData(InBdat, Rset, Greeted)]
    [InlineData(InBdat, Helo, Greeted)]
    public void Allowed_commands_move_the_session_on(SmtpSessionState state, SmtpVerb verb, SmtpSessionState next)
    {
        var rule = SmtpStateTable.Lookup(state, verb);
        Assert.True(rule.IsAllowed);
        Assert.Equal(next, rule.NextState);
    }

    [Theory]
    [InlineData(RecipientsGiven)]
    [InlineData(InBdat)]
    public void BDAT_LAST_ends_the_transaction(SmtpSessionState state)
    {
        Assert.Equal(Greeted, SmtpStateTable.Lookup(state, Bdat).NextStateAfterLastChunk);
    }

    [Fact]
    public void A_whole_session_walks_through_the_table()
    {
        var state = Connected;
        foreach (var verb in new[] { Ehlo, StartTls, Ehlo, Auth, Mail, Rcpt, Rcpt, Bdat, Bdat, Rset, Mail, Rcpt, SmtpVerb.Data, Quit })
        {
            var rule = SmtpStateTable.Lookup(state, verb);
            Assert.True(rule.IsAllowed, $"{verb} in {state}");
            state = rule.NextState;
        }
        Assert.Equal(Greeted, state);
    }
}
