using ActorMta.Smtp.Client;

namespace ActorMta.Smtp.Tests.Client;

public class TransactionPlanTests
{
    private static readonly ServerExtensions Everything = new(true, 1000, true, true, true, true, true, true, true, ["PLAIN"]);
    private static readonly SmtpClientOptions Options = new() { HeloName = "client.test" };

    private static OutboundMessage Message(int size = 100, BodyType body = BodyType.Unspecified, bool utf8 = false, string recipient = "r@example.net") =>
        new("s@example.net", [new OutboundRecipient(recipient)], new byte[size], body, utf8);

    private static TransactionPlan Plan(OutboundMessage message, ServerExtensions server, SmtpClientOptions? options = null)
    {
        var plan = TransactionPlan.Decide(message, server, options ?? Options, out var verdict);
        Assert.Null(verdict);
        return Assert.NotNull(plan);
    }

    private static SmtpReply Verdict(OutboundMessage message, ServerExtensions server, SmtpClientOptions? options = null)
    {
        Assert.Null(TransactionPlan.Decide(message, server, options ?? Options, out var verdict));
        return Assert.IsType<SmtpReply>(verdict);
    }

    [Fact]
    public void Uses_what_the_server_offers()
    {
        Assert.Equal(new TransactionPlan(100, BodyType.EightBitMime, false, true, true, true), Plan(Message(body: BodyType.EightBitMime), Everything));
    }

    [Fact]
    public void Uses_nothing_the_server_does_not_offer()
    {
        Assert.Equal(new TransactionPlan(null, BodyType.Unspecified, false, false, false, false), Plan(Message(body: BodyType.EightBitMime), ServerExtensions.None));
    }

    [Fact]
    public void Options_can_turn_pipelining_and_chunking_off()
    {
        var plan = Plan(Message(), Everything, Options with { UsePipelining = false, UseChunking = false });
        Assert.False(plan.Pipelined);
        Assert.False(plan.Chunked);
    }

    [Fact]
    public void A_message_larger_than_SIZE_gets_552_5_3_4_without_sending()
    {
        var verdict = Verdict(Message(size: 1001), Everything);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", verdict.ToString());
        Assert.NotNull(TransactionPlan.Decide(Message(size: 1000), Everything, Options, out _));
    }

    [Fact]
    public void SIZE_without_a_fixed_limit_limits_nothing_but_is_still_declared()
    {
        Assert.Equal(5_000_000, Plan(Message(size: 5_000_000), Everything with { MaxSize = 0 }).DeclaredSize);
    }

    private static OutboundMessage WithHeaders(OutboundMessage message, string content) =>
        message with { Body = System.Text.Encoding.UTF8.GetBytes(content) };

    [Theory]
    [InlineData(true, "r@example.net", "Subject: Grüße\r\n\r\nbody\r\n")]
    [InlineData(false, "rené@example.net", "Subject: x\r\n\r\nbody\r\n")]
    [InlineData(true, "rené@example.net", "Subject: x\r\n\r\nbody\r\n")]
    public void A_message_that_needs_SMTPUTF8_gets_553_5_6_7_from_a_server_without_it(bool flagged, string recipient, string content)
    {
        var message = WithHeaders(Message(utf8: flagged, recipient: recipient), content);
        Assert.Equal(new SmtpReply(553, new EnhancedStatusCode(5, 6, 7), ClientReplies.SmtpUtf8NotOffered.Lines),
            Verdict(message, Everything with { SmtpUtf8 = false }));
        Assert.True(Plan(message, Everything).SmtpUtf8);
    }

    [Theory]
    [InlineData("Subject: x\r\n\r\nbody\r\n")]
    [InlineData("Subject: x\r\n\r\nGrüße in the body only\r\n")]
    public void A_message_that_only_carries_the_SMTPUTF8_flag_goes_without_it_to_a_server_without_it(string content)
    {
        var message = WithHeaders(Message(utf8: true), content);
        Assert.False(Plan(message, Everything with { SmtpUtf8 = false }).SmtpUtf8);
        Assert.True(Plan(message, Everything).SmtpUtf8); // passed on where it is offered
    }

    [Fact]
    public void An_ASCII_message_does_not_declare_SMTPUTF8()
    {
        Assert.False(Plan(Message(), Everything).SmtpUtf8);
    }

    [Fact]
    public void BINARYMIME_needs_chunking_and_BINARYMIME_else_554_5_6_3()
    {
        var binary = Message(body: BodyType.BinaryMime);
        Assert.Equal(BodyType.BinaryMime, Plan(binary, Everything).Body);
        Assert.Equal(ClientReplies.BinaryMimeNotOffered, Verdict(binary, Everything with { BinaryMime = false }));
        Assert.Equal(ClientReplies.BinaryMimeNotOffered, Verdict(binary, Everything with { Chunking = false }));
        Assert.Equal(ClientReplies.BinaryMimeNotOffered, Verdict(binary, Everything, Options with { UseChunking = false }));
        Assert.Equal("5.6.3", ClientReplies.BinaryMimeNotOffered.Status.ToString());
    }

    [Fact]
    public void Without_8BITMIME_an_8bit_body_goes_undeclared()
    {
        Assert.Equal(BodyType.Unspecified, Plan(Message(body: BodyType.EightBitMime), Everything with { EightBitMime = false }).Body);
        Assert.Equal(BodyType.SevenBit, Plan(Message(body: BodyType.SevenBit), Everything).Body);
    }

    [Fact]
    public void A_local_verdict_answers_every_recipient_and_says_it_is_local()
    {
        var result = TransactionResult.Local(SmtpReplies.MessageTooBig, 3);
        Assert.True(result.LocalVerdict);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(RecipientOutcome.Failed, result.OutcomeOf(i)));
        Assert.All(result.RecipientReplies, r => Assert.Equal(SmtpReplies.MessageTooBig, r));
    }
}
