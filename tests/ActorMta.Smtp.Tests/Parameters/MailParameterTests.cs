using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Parameters;

public class MailParameterTests
{
    private const string From = "MAIL FROM:<a@b.example> ";

    [Fact]
    public void No_parameters_leave_everything_unspecified()
    {
        Assert.Equal(new MailParameters(null, BodyType.Unspecified, false, DsnReturn.Unspecified, false, false), Sender("MAIL FROM:<a@b.example>").Parameters);
    }

    [Fact]
    public void All_parameters_together_in_any_case_and_order()
    {
        var (_, parameters, envelopeId) = Sender(From + "size=1000 Body=8bitmime smtputf8 ret=hdrs envid=QQ+2BX+3D1 auth=<>");
        Assert.Equal(new MailParameters(1000, BodyType.EightBitMime, true, DsnReturn.Headers, true, true), parameters);
        Assert.Equal("QQ+X=1", envelopeId);
    }

    [Theory]
    [InlineData("SIZE=0", 0L)]
    [InlineData("SIZE=1000", 1000L)]
    [InlineData("SIZE=00000000000000000042", 42L)]
    [InlineData("SIZE=99999999999999999999", long.MaxValue)] // 20 digits is legal; the session answers 552
    public void SIZE_takes_up_to_20_digits(string parameter, long size)
    {
        Assert.Equal(size, Sender(From + parameter).Parameters.Size);
    }

    [Theory]
    [InlineData("SIZE=")]
    [InlineData("SIZE")]
    [InlineData("SIZE=-1")]
    [InlineData("SIZE=1k")]
    [InlineData("SIZE=1.5")]
    [InlineData("SIZE=100000000000000000000")]
    public void A_bad_SIZE_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid SIZE value"), Failure(From + parameter));
    }

    [Theory]
    [InlineData("BODY=7BIT", BodyType.SevenBit)]
    [InlineData("BODY=7bit", BodyType.SevenBit)]
    [InlineData("BODY=8BITMIME", BodyType.EightBitMime)]
    public void BODY_takes_7BIT_or_8BITMIME(string parameter, BodyType body)
    {
        Assert.Equal(body, Sender(From + parameter).Parameters.Body);
    }

    [Fact]
    public void BODY_BINARYMIME_is_refused_with_555_unless_offered()
    {
        Assert.Equal((CommandStatus.UnsupportedParameterValue, "555 5.5.4 BODY=BINARYMIME is not supported"), Failure(From + "BODY=BINARYMIME"));
        Assert.Equal(BodyType.BinaryMime, Sender(From + "BODY=BINARYMIME", Everything).Parameters.Body);
    }

    [Theory]
    [InlineData("BODY=")]
    [InlineData("BODY")]
    [InlineData("BODY=8BIT")]
    [InlineData("BODY=7BIT,8BITMIME")]
    public void A_bad_BODY_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid BODY value"), Failure(From + parameter));
    }

    [Fact]
    public void SMTPUTF8_takes_no_value()
    {
        Assert.True(Sender(From + "SMTPUTF8").Parameters.SmtpUtf8);
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid SMTPUTF8 value"), Failure(From + "SMTPUTF8=yes"));
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid SMTPUTF8 value"), Failure(From + "SMTPUTF8="));
    }

    [Theory]
    [InlineData("RET=FULL", DsnReturn.Full)]
    [InlineData("RET=full", DsnReturn.Full)]
    [InlineData("RET=HDRS", DsnReturn.Headers)]
    public void RET_takes_FULL_or_HDRS(string parameter, DsnReturn ret)
    {
        Assert.Equal(ret, Sender(From + parameter).Parameters.Return);
    }

    [Theory]
    [InlineData("RET=")]
    [InlineData("RET")]
    [InlineData("RET=HEADERS")]
    [InlineData("RET=FULL,HDRS")]
    public void A_bad_RET_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid RET value"), Failure(From + parameter));
    }

    [Theory]
    [InlineData("ENVID=abc", "abc")]
    [InlineData("ENVID=QQ314159", "QQ314159")]
    [InlineData("ENVID=a+2Bb+3Dc+20d", "a+b=c d")]
    [InlineData("ENVID=lower+2bcase", "lower+case")]
    public void ENVID_is_xtext_decoded_only_on_request(string parameter, string decoded)
    {
        var (_, parameters, envelopeId) = Sender(From + parameter);
        Assert.True(parameters.HasEnvelopeId);
        Assert.Equal(decoded, envelopeId);
    }

    [Fact]
    public void ENVID_may_decode_to_100_characters_and_no_more()
    {
        Assert.Equal(new string('e', 100), Sender(From + "ENVID=" + new string('e', 100)).EnvelopeId);
        Assert.Equal(new string(' ', 100), Sender(From + "ENVID=" + string.Concat(Enumerable.Repeat("+20", 100))).EnvelopeId);
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid ENVID value: too long"), Failure(From + "ENVID=" + new string('e', 101)));
    }

    [Theory]
    [InlineData("ENVID=")]
    [InlineData("ENVID")]
    [InlineData("ENVID=a+")]
    [InlineData("ENVID=a+2")]
    [InlineData("ENVID=a+GG")]
    [InlineData("ENVID=a+b")]
    [InlineData("ENVID=a=b")]
    [InlineData("ENVID=caf\u00e9")]
    public void A_bad_ENVID_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid ENVID value"), Failure(From + parameter));
    }

    [Theory]
    [InlineData("ENVID=a+00", "501 5.5.4 Invalid ENVID value: xtext decodes to a control character")]
    [InlineData("ENVID=a+0D+0A", "501 5.5.4 Invalid ENVID value: xtext decodes to a control character")]
    [InlineData("ENVID=caf+C3+A9", "501 5.5.4 Invalid ENVID value: only printable US-ASCII is allowed")]
    [InlineData("AUTH=a+0D+0AMAIL", "501 5.5.4 Invalid AUTH value: xtext decodes to a control character")]
    [InlineData("AUTH=a+7F@b.example", "501 5.5.4 Invalid AUTH value: xtext decodes to a control character")]
    [InlineData("AUTH=caf+C3+A9@b.example", "501 5.5.4 Invalid AUTH value: only printable US-ASCII is allowed")]
    public void A_parameter_that_decodes_to_a_control_character_or_non_ASCII_is_501_with_the_reason(string parameter, string reply)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, reply), Failure(From + parameter));
    }

    [Fact]
    public void AUTH_may_decode_to_500_characters_and_no_more()
    {
        Assert.True(Sender(From + "AUTH=" + new string('a', 500)).Parameters.HasAuth);
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid AUTH value: too long"), Failure(From + "AUTH=" + new string('a', 501)));
    }

    [Theory]
    [InlineData("AUTH=<>")]
    [InlineData("AUTH=user+40example.com")]
    public void AUTH_is_accepted_and_ignored(string parameter)
    {
        Assert.True(Sender(From + parameter).Parameters.HasAuth);
    }

    [Theory]
    [InlineData("AUTH=")]
    [InlineData("AUTH")]
    [InlineData("AUTH=a+zz")]
    public void A_bad_AUTH_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid AUTH value"), Failure(From + parameter));
    }

    [Theory]
    [InlineData("SIZE=1 SIZE=2", "501 5.5.4 Duplicate SIZE parameter", EsmtpParameter.Size)]
    [InlineData("size=1 SIZE=1", "501 5.5.4 Duplicate SIZE parameter", EsmtpParameter.Size)]
    [InlineData("BODY=7BIT BODY=8BITMIME", "501 5.5.4 Duplicate BODY parameter", EsmtpParameter.Body)]
    [InlineData("SMTPUTF8 SMTPUTF8", "501 5.5.4 Duplicate SMTPUTF8 parameter", EsmtpParameter.SmtpUtf8)]
    [InlineData("RET=FULL RET=HDRS", "501 5.5.4 Duplicate RET parameter", EsmtpParameter.Return)]
    [InlineData("ENVID=a ENVID=b", "501 5.5.4 Duplicate ENVID parameter", EsmtpParameter.EnvelopeId)]
    [InlineData("AUTH=<> AUTH=<>", "501 5.5.4 Duplicate AUTH parameter", EsmtpParameter.Auth)]
    public void A_duplicate_parameter_is_501_5_5_4(string parameters, string reply, EsmtpParameter which)
    {
        Assert.Equal((CommandStatus.DuplicateParameter, reply), Failure(From + parameters));
        var command = Parser.Parse(System.Text.Encoding.ASCII.GetBytes(From + parameters), AllButBinaryMime);
        Assert.Equal(which, command.FailedParameter);
    }

    [Theory]
    [InlineData("XFOO=1")]
    [InlineData("NOTIFY=NEVER")] // an RCPT parameter
    [InlineData("ORCPT=rfc822;a@b")]
    [InlineData("X-TRACE")]
    public void An_unknown_parameter_is_555_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.UnknownParameter, "555 5.5.4 Unsupported MAIL FROM parameter"), Failure(From + parameter));
    }

    [Theory]
    [InlineData("SIZE=10", SmtpExtensions.Size)]
    [InlineData("BODY=8BITMIME", SmtpExtensions.EightBitMime)]
    [InlineData("SMTPUTF8", SmtpExtensions.SmtpUtf8)]
    [InlineData("RET=FULL", SmtpExtensions.Dsn)]
    [InlineData("ENVID=x", SmtpExtensions.Dsn)]
    [InlineData("AUTH=<>", SmtpExtensions.Auth)]
    public void A_parameter_of_an_extension_not_offered_is_unknown(string parameter, SmtpExtensions extension)
    {
        Assert.Equal(CommandStatus.Ok, Parse(From + parameter, extension).Status);
        Assert.Equal((CommandStatus.UnknownParameter, "555 5.5.4 Unsupported MAIL FROM parameter"), Failure(From + parameter, AllButBinaryMime & ~extension));
        Assert.Equal(CommandStatus.UnknownParameter, Parse(From + parameter, SmtpExtensions.None).Status); // after HELO
    }

    [Theory]
    [InlineData("=1")]
    [InlineData("-X=1")]
    [InlineData("SI_ZE=1")]
    [InlineData("SI<ZE=1")]
    public void A_malformed_keyword_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.SyntaxError, "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]"), Failure(From + parameter));
    }

    [Fact]
    public void Parameters_are_checked_before_the_address_so_SMTPUTF8_on_the_same_line_counts()
    {
        Assert.Equal(CommandStatus.Ok, Parse("MAIL FROM:<josé@example.com> BODY=8BITMIME SMTPUTF8").Status);
        Assert.Equal(CommandStatus.InvalidParameterValue, Parse("MAIL FROM:<bad..address@example.com> SIZE=x").Status);
    }
}
