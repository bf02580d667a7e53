using System.Buffers;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Client;

public class ClientCommandsTests
{
    private static readonly TransactionPlan Plain = new(null, BodyType.Unspecified, SmtpUtf8: false, Dsn: false, Chunked: false, Pipelined: false);

    private static string Written(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Wire.Show(output.WrittenSpan);
    }

    private static string Mail(OutboundMessage message, TransactionPlan plan) => Written(o => ClientCommands.Mail(o, message, plan));

    private static readonly OutboundMessage Message = new("a@b.example", [new OutboundRecipient("c@d.example")], new byte[1234]);

    [Fact]
    public void MAIL_without_extensions_is_the_bare_path()
    {
        Assert.Equal("MAIL FROM:<a@b.example>\r\n", Mail(Message, Plain));
    }

    [Fact]
    public void MAIL_with_the_null_reverse_path()
    {
        Assert.Equal("MAIL FROM:<>\r\n", Mail(Message with { ReversePath = "" }, Plain));
    }

    [Fact]
    public void MAIL_declares_size_body_SMTPUTF8_and_DSN_parameters_as_planned()
    {
        var message = Message with { EnvelopeId = "id+1=x ü", Ret = DsnReturn.Headers };
        var plan = Plain with { DeclaredSize = 1234, Body = BodyType.EightBitMime, SmtpUtf8 = true, Dsn = true };
        Assert.Equal("MAIL FROM:<a@b.example> SIZE=1234 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=id+2B1+3Dx+20+C3+BC\r\n", Mail(message, plan));
    }

    [Fact]
    public void DSN_parameters_are_left_out_when_the_server_does_not_offer_DSN()
    {
        var message = Message with { EnvelopeId = "id1", Ret = DsnReturn.Full };
        Assert.Equal("MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n", Mail(message, Plain with { Body = BodyType.BinaryMime }));
        Assert.Equal("MAIL FROM:<a@b.example> BODY=7BIT RET=FULL ENVID=id1\r\n", Mail(message, Plain with { Body = BodyType.SevenBit, Dsn = true }));
    }

    [Theory]
    [InlineData(DsnNotify.Unspecified, null, "RCPT TO:<c@d.example>\r\n")]
    [InlineData(DsnNotify.Never, null, "RCPT TO:<c@d.example> NOTIFY=NEVER\r\n")]
    [InlineData(DsnNotify.Delay | DsnNotify.Failure | DsnNotify.Success, null, "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE,DELAY\r\n")]
    [InlineData(DsnNotify.Failure, "rfc822;C+D=e@d.example", "RCPT TO:<c@d.example> NOTIFY=FAILURE ORCPT=rfc822;C+2BD+3De@d.example\r\n")]
    [InlineData(DsnNotify.Unspecified, "who@d.example", "RCPT TO:<c@d.example> ORCPT=rfc822;who@d.example\r\n")]
    public void RCPT_passes_NOTIFY_and_an_xtext_ORCPT_on(DsnNotify notify, string? original, string wire)
    {
        var recipient = new OutboundRecipient("c@d.example", notify, original);
        Assert.Equal(wire, Written(o => ClientCommands.Recipient(o, recipient, dsn: true)));
    }

    [Fact]
    public void RCPT_drops_DSN_parameters_when_the_server_does_not_offer_DSN()
    {
        var recipient = new OutboundRecipient("c@d.example", DsnNotify.Failure, "rfc822;c@d.example");
        Assert.Equal("RCPT TO:<c@d.example>\r\n", Written(o => ClientCommands.Recipient(o, recipient, dsn: false)));
    }

    [Theory]
    [InlineData(0, true, "BDAT 0 LAST\r\n")]
    [InlineData(1048576, false, "BDAT 1048576\r\n")]
    public void BDAT_carries_the_exact_size(int size, bool last, string wire)
    {
        Assert.Equal(wire, Written(o => ClientCommands.Chunk(o, size, last)));
    }

    [Fact]
    public void AUTH_with_and_without_an_initial_response()
    {
        Assert.Equal("AUTH PLAIN AGEAYg==\r\n", Written(o => ClientCommands.Auth(o, "PLAIN", "AGEAYg==")));
        Assert.Equal("AUTH LOGIN\r\n", Written(o => ClientCommands.Auth(o, "LOGIN", null)));
    }

    [Theory]
    [InlineData("a@b\r\nRSET")]
    [InlineData("a@b\n")]
    [InlineData("a\0@b")]
    [InlineData("a\x7f@b")]
    public void Control_characters_in_an_address_are_refused_before_anything_is_written(string address)
    {
        Assert.Throws<ArgumentException>(() => ClientCommands.EnsureSafe(address, "a recipient address"));
    }

    [Fact]
    public void UTF8_addresses_are_written_as_UTF8()
    {
        var message = Message with { ReversePath = "grüße@bücher.example" };
        Assert.Equal("MAIL FROM:<grÃ¼Ã\u009fe@bÃ¼cher.example> SMTPUTF8\r\n", Mail(message, Plain with { SmtpUtf8 = true }));
    }
}
