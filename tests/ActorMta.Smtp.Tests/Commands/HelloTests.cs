using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Commands;

public class HelloTests
{
    [Theory]
    [InlineData("client.example")]
    [InlineData("localhost")]
    [InlineData("mail-1.client.example")]
    [InlineData("WIN_PC.corp.example")] // underscores: not RFC 5321, but sent by real Windows hosts
    [InlineData("[192.0.2.1]")]
    [InlineData("[IPv6:2001:db8::1]")]
    [InlineData("123.example")]
    public void HELO_and_EHLO_accept_a_host_name_or_an_address_literal(string name)
    {
        Assert.Equal(name, Parse("EHLO " + name).Argument);
        Assert.Equal(name, Parse("HELO " + name).Argument);
    }

    [Theory]
    [InlineData("EHLO", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO ", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO client.example extra", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO -client.example", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO client-.example", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO client..example", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO client.example.", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO [192.0.2.300]", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO <client.example>", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("HELO", "501 5.5.4 Syntax: HELO hostname")]
    [InlineData("HELO a b", "501 5.5.4 Syntax: HELO hostname")]
    public void A_missing_or_malformed_name_is_501_5_5_4(string line, string reply)
    {
        Assert.Equal((CommandStatus.SyntaxError, reply), Failure(line));
    }
}
