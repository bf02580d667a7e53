using ActorMta.Smtp.Tests.Support;
using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Commands;

public class VerbTests
{
    [Theory]
    [InlineData("HELO client.example", SmtpVerb.Helo, "client.example")]
    [InlineData("helo client.example", SmtpVerb.Helo, "client.example")]
    [InlineData("EHLO client.example", SmtpVerb.Ehlo, "client.example")]
    [InlineData("eHlO client.example", SmtpVerb.Ehlo, "client.example")]
    [InlineData("MAIL FROM:<a@b.example>", SmtpVerb.Mail, "FROM:<a@b.example>")]
    [InlineData("mail from:<a@b.example>", SmtpVerb.Mail, "from:<a@b.example>")]
    [InlineData("RCPT TO:<a@b.example>", SmtpVerb.Rcpt, "TO:<a@b.example>")]
    [InlineData("rcpt to:<a@b.example>", SmtpVerb.Rcpt, "to:<a@b.example>")]
    [InlineData("DATA", SmtpVerb.Data, "")]
    [InlineData("data", SmtpVerb.Data, "")]
    [InlineData("BDAT 10", SmtpVerb.Bdat, "10")]
    [InlineData("RSET", SmtpVerb.Rset, "")]
    [InlineData("rset", SmtpVerb.Rset, "")]
    [InlineData("NOOP", SmtpVerb.Noop, "")]
    [InlineData("NOOP anything at all", SmtpVerb.Noop, "anything at all")]
    [InlineData("QUIT", SmtpVerb.Quit, "")]
    [InlineData("Quit", SmtpVerb.Quit, "")]
    [InlineData("VRFY postmaster", SmtpVerb.Vrfy, "postmaster")]
    [InlineData("HELP", SmtpVerb.Help, "")]
    [InlineData("HELP MAIL", SmtpVerb.Help, "MAIL")]
    [InlineData("STARTTLS", SmtpVerb.StartTls, "")]
    [InlineData("starttls", SmtpVerb.StartTls, "")]
    [InlineData("AUTH PLAIN", SmtpVerb.Auth, "PLAIN")]
    [InlineData("QUIT   ", SmtpVerb.Quit, "")] // trailing spaces are tolerated
    [InlineData("EHLO    client.example", SmtpVerb.Ehlo, "client.example")]
    public void Every_verb_is_recognized_in_any_case(string line, SmtpVerb verb, string argument)
    {
        Assert.Equal(new Parsed(verb, CommandStatus.Ok, null, argument), Parse(line));
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("")]
    [InlineData("MAILFROM:<a@b.example>")]
    [InlineData("HEL0 client.example")]
    [InlineData("STARTTLSX")]
    [InlineData(" QUIT")]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("X")]
    public void An_unknown_verb_is_500_5_5_1(string line)
    {
        Assert.Equal((CommandStatus.UnknownVerb, "500 5.5.1 Command unrecognized"), Failure(line));
    }

    [Theory]
    [InlineData("EXPN staff")]
    [InlineData("ETRN example.com")]
    [InlineData("TURN")]
    [InlineData("ATRN")]
    [InlineData("SEND FROM:<a@b>")]
    [InlineData("SOML FROM:<a@b>")]
    [InlineData("saml FROM:<a@b>")]
    public void A_known_but_unimplemented_verb_is_502_5_5_1(string line)
    {
        Assert.Equal((CommandStatus.NotImplemented, "502 5.5.1 Command not implemented"), Failure(line));
    }

    [Theory]
    [InlineData("NOOP \0")]
    [InlineData("NOOP \t")]
    [InlineData("MAIL FROM:<a@b.example>\rRCPT TO:<c@d.example>")]
    [InlineData("QUIT\n")]
    [InlineData("NOOP \u007f")]
    public void Control_characters_are_500_5_5_2(string line)
    {
        Assert.Equal((CommandStatus.InvalidCharacter, "500 5.5.2 Invalid character in command line"), Failure(line));
    }

    [Theory]
    [InlineData("DATA x", "501 5.5.4 Syntax: DATA")]
    [InlineData("RSET now", "501 5.5.4 Syntax: RSET")]
    [InlineData("QUIT please", "501 5.5.4 Syntax: QUIT")]
    [InlineData("STARTTLS now", "501 5.5.4 Syntax: STARTTLS")]
    [InlineData("VRFY", "501 5.5.4 Syntax: VRFY address")]
    [InlineData("VRFY   ", "501 5.5.4 Syntax: VRFY address")]
    public void Arguments_where_none_belong_and_none_where_one_does_are_501_5_5_4(string line, string reply)
    {
        Assert.Equal((CommandStatus.SyntaxError, reply), Failure(line));
    }

    [Fact]
    public void A_command_line_over_512_octets_is_500_5_5_6_unless_MAIL_or_RCPT_use_the_parameter_allowance()
    {
        Assert.Equal(CommandStatus.Ok, Parse("NOOP " + new string('x', 505)).Status); // 510 + CRLF = 512
        Assert.Equal((CommandStatus.LineTooLong, "500 5.5.6 Line too long"), Failure("NOOP " + new string('x', 506)));
        Assert.Equal((CommandStatus.LineTooLong, "500 5.5.6 Line too long"), Failure("EHLO " + new string('a', 60) + string.Concat(Enumerable.Repeat(".abcdefgh", 50))));

        var envelopeId = new string('E', 100);
        var orcpt = "rfc822;" + new string('o', 400) + "@example.com";
        Assert.Equal(CommandStatus.Ok, Parse($"MAIL FROM:<{new string('s', 64)}@{new string('d', 60)}.example> SIZE=100 RET=HDRS ENVID={envelopeId} BODY=8BITMIME AUTH=<>").Status);
        var rcpt = Parse($"RCPT TO:<{new string('r', 64)}@{new string('d', 60)}.example> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT={orcpt}");
        Assert.Equal(CommandStatus.Ok, rcpt.Status);
    }

    [Fact]
    public void MAIL_past_the_parameter_allowance_is_500_5_5_6_even_if_the_line_reader_let_it_through()
    {
        var line = "MAIL FROM:<a@b.example> ENVID=x " + string.Concat(Enumerable.Repeat("X-PAD=1234567890 ", 90));
        Assert.True(line.Length + 2 > SmtpLimits.Default.MaxCommandLineLength);
        Assert.Equal((CommandStatus.LineTooLong, "500 5.5.6 Line too long"), Failure(line));
    }

    [Fact]
    public void The_base_command_line_limit_is_a_setting()
    {
        var parser = new SmtpCommandParser(new SmtpLimits { CommandLineLength = 1000 });
        Assert.Equal(CommandStatus.Ok, Parse("NOOP " + new string('x', 900), parser: parser).Status);
        Assert.Equal(1000 + 1024, parser.Limits.MaxCommandLineLength);
    }
}
