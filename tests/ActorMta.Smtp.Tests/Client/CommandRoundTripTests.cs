using System.Buffers;
using System.Text;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Fuzzing;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>
/// Client and server share one command vocabulary (<see cref="SmtpKeywords"/>): every command line the
/// client can write is one line our own parser accepts and reads back to the same verb and values.
/// (MAIL and RCPT over generated envelopes: the mail-rcpt-envelopes property.)
/// </summary>
public class CommandRoundTripTests
{
    private static readonly SmtpCommandParser Parser = new(SmtpLimits.Default);

    [Fact]
    public void Every_verb_keyword_identifies_its_own_verb_in_the_parser()
    {
        foreach (var verb in SmtpKeywords.All)
        {
            var keyword = Encoding.ASCII.GetString(SmtpKeywords.Of(verb));
            // The parser's verb match is a 32-bit compare written separately: the keyword, in any case, must land on the same verb.
            Assert.Equal(verb, Parser.Parse(Encoding.ASCII.GetBytes(keyword), EnvelopeProperty.Everything).Verb);
            Assert.Equal(verb, Parser.Parse(Encoding.ASCII.GetBytes(keyword.ToLowerInvariant()), EnvelopeProperty.Everything).Verb);
        }
    }

    [Theory]
    [InlineData("mx.example.org")]
    [InlineData("[192.0.2.1]")]
    [InlineData("[IPv6:2001:db8::1]")]
    [InlineData("out_1.example.net")]
    public void EHLO_and_HELO_read_back_with_the_same_name(string name)
    {
        AssertReadsBack(o => ClientCommands.Ehlo(o, name), SmtpVerb.Ehlo, c => Assert.Equal(name, c.ArgumentText()));
        AssertReadsBack(o => ClientCommands.Helo(o, name), SmtpVerb.Helo, c => Assert.Equal(name, c.ArgumentText()));
    }

    [Fact]
    public void STARTTLS_RSET_DATA_and_QUIT_read_back_as_themselves_without_an_argument()
    {
        AssertReadsBack(ClientCommands.StartTls, SmtpVerb.StartTls, c => Assert.True(c.Argument.IsEmpty));
        AssertReadsBack(ClientCommands.Reset, SmtpVerb.Rset, c => Assert.True(c.Argument.IsEmpty));
        AssertReadsBack(ClientCommands.Data, SmtpVerb.Data, c => Assert.True(c.Argument.IsEmpty));
        AssertReadsBack(ClientCommands.Quit, SmtpVerb.Quit, c => Assert.True(c.Argument.IsEmpty));
    }

    [Theory]
    [InlineData("PLAIN", "AHVzZXIAcGFzcw==")]
    [InlineData("PLAIN", "=")]
    [InlineData("LOGIN", null)]
    [InlineData("CRAM-MD5", null)]
    public void AUTH_reads_back_with_its_mechanism_and_initial_response(string mechanism, string? initialResponse)
    {
        AssertReadsBack(o => ClientCommands.Auth(o, mechanism, initialResponse), SmtpVerb.Auth, c =>
        {
            Assert.Equal(mechanism, c.ArgumentText());
            Assert.Equal(initialResponse is not null, c.HasInitialResponse);
            Assert.Equal(initialResponse ?? "", Encoding.ASCII.GetString(c.InitialResponse));
        });
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(int.MaxValue, true)]
    public void BDAT_reads_back_with_its_size_and_LAST(int size, bool last)
    {
        AssertReadsBack(o => ClientCommands.Chunk(o, size, last), SmtpVerb.Bdat, c =>
        {
            Assert.Equal(size, c.ChunkSize);
            Assert.Equal(last, c.IsLastChunk);
        });
    }

    public static TheoryData<BodyType, bool, bool, DsnReturn, string?, long?> MailPlans => new()
    {
        { BodyType.Unspecified, false, false, DsnReturn.Unspecified, null, null },
        { BodyType.SevenBit, false, true, DsnReturn.Full, "env-1", 10 },
        { BodyType.EightBitMime, true, true, DsnReturn.Headers, "id+1=x y", 123456 },
        { BodyType.BinaryMime, false, true, DsnReturn.Unspecified, null, 0 },
    };

    [Theory]
    [MemberData(nameof(MailPlans))]
    public void MAIL_reads_back_with_every_parameter_the_plan_declared(BodyType body, bool smtpUtf8, bool dsn, DsnReturn ret, string? envelopeId, long? size)
    {
        var message = new OutboundMessage("sender@origin.example", [new OutboundRecipient("r@d.example")], new byte[1], body, smtpUtf8, envelopeId, ret);
        var plan = new TransactionPlan(size, body, smtpUtf8, dsn, Chunked: false, Pipelined: false);
        Assert.Null(OutboundEnvelope.CheckMessage(message.ReversePath, envelopeId)); // delivery checks the envelope before it writes
        AssertReadsBack(o => ClientCommands.Mail(o, message, plan), SmtpVerb.Mail, c =>
        {
            Assert.Equal("sender@origin.example", c.ToReversePath().Mailbox!.ToString());
            var parameters = c.MailParameters;
            Assert.Equal(size, parameters.Size);
            Assert.Equal(body, parameters.Body);
            Assert.Equal(smtpUtf8, parameters.SmtpUtf8);
            Assert.Equal(dsn ? ret : DsnReturn.Unspecified, parameters.Return);
            Assert.Equal(dsn ? envelopeId : null, c.ToEnvelopeId());
        }, utf8: smtpUtf8);
    }

    [Theory]
    [InlineData("id ü")]
    [InlineData("id\u007f")]
    public void An_ENVID_the_parser_would_refuse_is_refused_by_the_client_check_before_anything_is_written(string envelopeId)
    {
        var message = new OutboundMessage("s@origin.example", [new OutboundRecipient("r@d.example")], new byte[1], EnvelopeId: envelopeId);
        var output = new ArrayBufferWriter<byte>();
        ClientCommands.Mail(output, message, new TransactionPlan(null, BodyType.Unspecified, false, Dsn: true, Chunked: false, Pipelined: false));
        Assert.False(Parser.Parse(output.WrittenSpan[..^2], EnvelopeProperty.Everything).IsOk);
        Assert.Equal(550, OutboundEnvelope.CheckMessage(message.ReversePath, envelopeId)?.Code);
    }

    [Theory]
    [InlineData(DsnNotify.Unspecified, null, true)]
    [InlineData(DsnNotify.Never, "rfc822;who@d.example", true)]
    [InlineData(DsnNotify.Success | DsnNotify.Failure | DsnNotify.Delay, "rfc822;C+D=e@d.example", true)]
    [InlineData(DsnNotify.Failure, "x400;c=us;a=x", true)]
    [InlineData(DsnNotify.Failure, "rfc822;who@d.example", false)]
    public void RCPT_reads_back_with_NOTIFY_and_ORCPT_when_DSN_is_offered(DsnNotify notify, string? original, bool dsn)
    {
        var recipient = new OutboundRecipient("rcpt@d.example", notify, original);
        AssertReadsBack(o => ClientCommands.Recipient(o, recipient, dsn), SmtpVerb.Rcpt, c =>
        {
            Assert.Equal("rcpt@d.example", c.ToForwardPath().Mailbox!.ToString());
            Assert.Equal(dsn ? notify : DsnNotify.Unspecified, c.RecipientParameters.Notify);
            var again = c.ToOriginalRecipient();
            Assert.Equal(dsn ? original : null, again is null ? null : $"{again.AddressType};{again.Address}");
        });
    }

    private delegate void CommandCheck(SmtpCommand command);

    private static void AssertReadsBack(Action<IBufferWriter<byte>> write, SmtpVerb verb, CommandCheck check, bool utf8 = false)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        var written = output.WrittenSpan;
        Assert.True(written.EndsWith("\r\n"u8), "a command line ends with CRLF");
        var line = written[..^2];
        Assert.True(line.IndexOfAny((byte)'\r', (byte)'\n') < 0, "one line only");
        var command = Parser.Parse(line, EnvelopeProperty.Everything, utf8);
        Assert.True(command.IsOk, $"{Encoding.UTF8.GetString(line)} refused: {command.ErrorReply}");
        Assert.Equal(verb, command.Verb);
        check(command);
    }
}
