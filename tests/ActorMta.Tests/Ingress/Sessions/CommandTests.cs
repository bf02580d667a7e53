using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>Each verb's reply at the session level, the parser's verdicts, and the state table's 503s.</summary>
public sealed class CommandTests : IngressTestKit
{
    [Theory]
    [InlineData("NOOP", "250 2.0.0 Ok")]
    [InlineData("NOOP anything at all", "250 2.0.0 Ok")]
    [InlineData("VRFY postmaster", "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery")]
    [InlineData("VRFY", "501 5.5.4 Syntax: VRFY address")]
    [InlineData("HELP", "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH")]
    [InlineData("RSET", "250 2.0.0 Ok")]
    [InlineData("RSET now", "501 5.5.4 Syntax: RSET")]
    [InlineData("QUIT now", "501 5.5.4 Syntax: QUIT")]
    [InlineData("DATA now", "501 5.5.4 Syntax: DATA")]
    [InlineData("STARTTLS now", "501 5.5.4 Syntax: STARTTLS")]
    [InlineData("AUTH", "501 5.5.4 Syntax: AUTH mechanism [initial-response]")]
    [InlineData("MAIL TO:<a@example.com>", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("MAIL FROM:a@example.com", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("MAIL FROM:<a@@example.com>", "501 5.1.7 Bad sender address syntax")]
    [InlineData("MAIL FROM:<a@example.com> SIZE=big", "501 5.5.4 Invalid SIZE value")]
    [InlineData("MAIL FROM:<a@example.com> BODY=8BITMIME BODY=7BIT", "501 5.5.4 Duplicate BODY parameter")]
    [InlineData("MAIL FROM:<a@example.com> BODY=BINARYMIME", "555 5.5.4 BODY=BINARYMIME is not supported")]
    [InlineData("MAIL FROM:<a@example.com> X-FOO=1", "555 5.5.4 Unsupported MAIL FROM parameter")]
    [InlineData("MAIL FROM:<jösé@example.com>", "553 5.6.7 Non-ASCII sender address requires SMTPUTF8")]
    [InlineData("FROB", "500 5.5.1 Command unrecognized")]
    [InlineData("EXPN staff", "502 5.5.1 Command not implemented")]
    [InlineData("ETRN example.com", "502 5.5.1 Command not implemented")]
    [InlineData("TURN", "502 5.5.1 Command not implemented")]
    [InlineData("NOOP \u0001", "500 5.5.2 Invalid character in command line")]
    public async Task Each_command_gets_its_reply_after_ehlo(string command, string reply)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.Equal(reply, await client.CommandAsync(command));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP")); // and the session goes on
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.com>", "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData("RCPT TO:<a@example.com>", "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData("DATA", "503 5.5.1 Error: send HELO/EHLO first")]
    [InlineData("STARTTLS", "503 5.5.1 Error: send EHLO first")]
    [InlineData("AUTH PLAIN", "503 5.5.1 Error: send EHLO first")]
    public async Task Commands_before_hello_are_out_of_sequence(string command, string reply)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        Assert.Equal(reply, await client.CommandAsync(command));
    }

    [Fact]
    public async Task Transaction_commands_out_of_order_get_503()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("BDAT 0 LAST"));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("503 5.5.1 Error: nested MAIL command", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("503 5.5.1 Error: need RCPT command", await client.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Error: MAIL transaction in progress", await client.CommandAsync("STARTTLS"));
        Assert.Equal("503 5.5.1 Error: MAIL transaction in progress", await client.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.Equal("503 5.5.1 Error: nested MAIL command", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Rset_ends_the_transaction()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.com>"));

        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("RSET"));

        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Quit_says_bye_and_closes()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.Equal("221 2.0.0 Bye", await client.CommandAsync("QUIT"));
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task An_over_long_command_line_is_refused_and_the_session_stays_in_step()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        // Longer than the 512 octets of RFC 5321 plus the 1024 MAIL/RCPT parameter allowance: dropped as it arrives.
        Assert.Equal("500 5.5.6 Line too long", await client.CommandAsync("NOOP " + new string('x', 4000)));
        // Over 512 for a verb with no parameter allowance.
        Assert.Equal("500 5.5.6 Line too long", await client.CommandAsync("NOOP " + new string('x', 600)));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_command_with_a_bare_line_feed_is_refused_not_split()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        // One line to the server (only CRLF ends a line), so no second command "RSET" runs.
        Assert.Equal("500 5.5.2 Bare CR or LF in command line; commands end with CRLF", await client.CommandAsync("NOOP\nRSET"));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Commands_are_case_insensitive_and_tolerate_a_space_after_the_colon()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        Assert.StartsWith("250-mx.test", await client.CommandAsync("ehlo client.test"));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("mail from: <a@example.com>"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("rCpT To:<b@example.com>"));
    }
}
