using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Parameters;

public class RecipientParameterTests
{
    private const string To = "RCPT TO:<x@y.example> ";

    [Theory]
    [InlineData("NOTIFY=NEVER", DsnNotify.Never)]
    [InlineData("NOTIFY=never", DsnNotify.Never)]
    [InlineData("NOTIFY=SUCCESS", DsnNotify.Success)]
    [InlineData("NOTIFY=FAILURE", DsnNotify.Failure)]
    [InlineData("NOTIFY=DELAY", DsnNotify.Delay)]
    [InlineData("NOTIFY=SUCCESS,FAILURE", DsnNotify.Success | DsnNotify.Failure)]
    [InlineData("NOTIFY=delay,Failure,SUCCESS", DsnNotify.Success | DsnNotify.Failure | DsnNotify.Delay)]
    public void NOTIFY_is_NEVER_or_a_list(string parameter, DsnNotify notify)
    {
        Assert.Equal(new RecipientParameters(notify, false), Recipient(To + parameter).Parameters);
    }

    [Theory]
    [InlineData("NOTIFY=")]
    [InlineData("NOTIFY")]
    [InlineData("NOTIFY=NEVER,SUCCESS")]
    [InlineData("NOTIFY=SUCCESS,NEVER")]
    [InlineData("NOTIFY=SUCCESS,SUCCESS")]
    [InlineData("NOTIFY=SUCCESS,")]
    [InlineData("NOTIFY=,SUCCESS")]
    [InlineData("NOTIFY=SUCCESS,,FAILURE")]
    [InlineData("NOTIFY=ALWAYS")]
    public void A_bad_NOTIFY_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid NOTIFY value"), Failure(To + parameter));
    }

    [Theory]
    [InlineData("ORCPT=rfc822;x@y.example", "rfc822", "x@y.example")]
    [InlineData("ORCPT=RFC822;x+2By@y.example", "RFC822", "x+y@y.example")]
    [InlineData("ORCPT=rfc822;+22a+20b+22@y.example", "rfc822", "\"a b\"@y.example")]
    public void ORCPT_is_an_address_type_and_xtext(string parameter, string type, string address)
    {
        var (_, parameters, original) = Recipient(To + parameter);
        Assert.True(parameters.HasOriginalRecipient);
        Assert.Equal(new OriginalRecipient(type, address), original);
    }

    [Fact]
    public void ORCPT_may_carry_UTF8_in_an_SMTPUTF8_transaction()
    {
        Assert.Equal(new OriginalRecipient("utf-8", "josé@y.example"), Recipient(To + "ORCPT=utf-8;josé@y.example", utf8: true).Original);
        Assert.Equal(CommandStatus.InvalidParameterValue, Parse(To + "ORCPT=utf-8;josé@y.example").Status);
    }

    [Theory]
    [InlineData("ORCPT=")]
    [InlineData("ORCPT")]
    [InlineData("ORCPT=rfc822")]
    [InlineData("ORCPT=rfc822;")]
    [InlineData("ORCPT=;x@y")]
    [InlineData("ORCPT=rfc 822;x@y")]
    [InlineData("ORCPT=rfc822;x+y")]
    [InlineData("ORCPT=rfc822;x=y")]
    [InlineData("ORCPT=rfc(822);x@y")]
    public void A_bad_ORCPT_is_501_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid ORCPT value"), Failure(To + parameter));
    }

    [Fact]
    public void ORCPT_may_be_500_characters_long_and_no_more()
    {
        var type = "rfc822;";
        Assert.Equal(CommandStatus.Ok, Parse(To + "ORCPT=" + type + new string('o', 500 - type.Length)).Status);
        Assert.Equal(CommandStatus.InvalidParameterValue, Parse(To + "ORCPT=" + type + new string('o', 501 - type.Length)).Status);
    }

    [Theory]
    [InlineData("NOTIFY=NEVER NOTIFY=NEVER", "501 5.5.4 Duplicate NOTIFY parameter")]
    [InlineData("ORCPT=rfc822;a@b ORCPT=rfc822;a@b", "501 5.5.4 Duplicate ORCPT parameter")]
    public void A_duplicate_parameter_is_501_5_5_4(string parameters, string reply)
    {
        Assert.Equal((CommandStatus.DuplicateParameter, reply), Failure(To + parameters));
    }

    [Theory]
    [InlineData("SIZE=10")] // a MAIL parameter
    [InlineData("XRCPTFORWARD=1")]
    public void An_unknown_parameter_is_555_5_5_4(string parameter)
    {
        Assert.Equal((CommandStatus.UnknownParameter, "555 5.5.4 Unsupported RCPT TO parameter"), Failure(To + parameter));
    }

    [Fact]
    public void DSN_parameters_are_unknown_when_DSN_is_not_offered()
    {
        Assert.Equal(CommandStatus.UnknownParameter, Parse(To + "NOTIFY=NEVER", AllButBinaryMime & ~SmtpExtensions.Dsn).Status);
        Assert.Equal(CommandStatus.UnknownParameter, Parse(To + "ORCPT=rfc822;a@b", AllButBinaryMime & ~SmtpExtensions.Dsn).Status);
    }

    [Fact]
    public void The_benchmark_mix_parses()
    {
        var (path, parameters, original) = Recipient("RCPT TO:<x@y> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@y");
        Assert.Equal(new Mailbox("x", "y", false), path.Mailbox);
        Assert.Equal(DsnNotify.Success | DsnNotify.Failure, parameters.Notify);
        Assert.Equal(new OriginalRecipient("rfc822", "x@y"), original);
        Assert.Equal(new MailParameters(1000, BodyType.EightBitMime, false, DsnReturn.Unspecified, false, false),
            Sender("MAIL FROM:<a@b> SIZE=1000 BODY=8BITMIME").Parameters);
    }
}
