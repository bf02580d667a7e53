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
        const string type = "rfc822;", domain = "@y.example";
        Assert.Equal(CommandStatus.Ok, Parse(To + "ORCPT=" + type + new string('o', 500 - type.Length - domain.Length) + domain).Status);
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid ORCPT value: longer than 500 characters as xtext"),
            Failure(To + "ORCPT=" + type + new string('o', 501 - type.Length - domain.Length) + domain));
    }

    /// <summary>
    /// Issue 10: whatever ingress accepts, delivery can attempt. A decoded ORCPT is written again on
    /// the outbound RCPT line, so what it may decode to is checked here (RFC 3461 4.2: printable US-ASCII).
    /// </summary>
    [Theory]
    [InlineData("ORCPT=rfc822;a+0D+0Abcc:x@evil.test", false, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=rfc822;a+00@b.example", false, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=rfc822;a+09@b.example", false, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=rfc822;a+7F@b.example", false, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=utf-8;a+0A@b.example", true, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=utf-8;a+C2+85@b.example", true, "501 5.5.4 Invalid ORCPT value: xtext decodes to a control character")]
    [InlineData("ORCPT=rfc822;caf+C3+A9@b.example", false, "501 5.5.4 Invalid ORCPT value: only printable US-ASCII is allowed without SMTPUTF8")]
    [InlineData("ORCPT=utf-8;caf+C3@b.example", true, "501 5.5.4 Invalid ORCPT value: xtext decodes to malformed UTF-8")]
    [InlineData("ORCPT=rfc822;nobody", false, "501 5.5.4 Invalid ORCPT value: not an address (local-part@domain)")]
    [InlineData("ORCPT=rfc822;nobody@", false, "501 5.5.4 Invalid ORCPT value: not an address (local-part@domain)")]
    [InlineData("ORCPT=rfc822;+40b.example", false, "501 5.5.4 Invalid ORCPT value: not an address (local-part@domain)")]
    public void An_ORCPT_that_decodes_to_what_delivery_cannot_send_is_501_5_5_4(string parameter, bool utf8, string reply)
    {
        Assert.Equal((CommandStatus.InvalidParameterValue, reply), Failure(To + parameter, utf8: utf8));
    }

    [Fact]
    public void An_ORCPT_of_UTF8_that_would_pass_500_characters_as_xtext_is_refused()
    {
        // 200 two-octet characters: 422 octets on this line, but 1,216 as the xtext delivery writes.
        var original = "ORCPT=utf-8;" + new string('\u00e9', 200) + "@b.example";
        Assert.Equal((CommandStatus.InvalidParameterValue, "501 5.5.4 Invalid ORCPT value: longer than 500 characters as xtext"),
            Failure(To + original, utf8: true));
        Assert.Equal(CommandStatus.Ok, Parse(To + "ORCPT=utf-8;" + new string('\u00e9', 80) + "@b.example", utf8: true).Status); // 496 as xtext
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
