using ActorMta.Smtp.Client;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>The check before a transaction: what cannot go on the wire gets a 5yz reply of its own instead of an exception.</summary>
public class OutboundEnvelopeTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("sender@example.net", null)]
    [InlineData("grüße@bücher.example", "QQ314159+ with spaces and symbols!")]
    public void A_sendable_message_envelope_passes(string reversePath, string? envelopeId)
    {
        Assert.Null(OutboundEnvelope.CheckMessage(reversePath, envelopeId));
    }

    [Theory]
    [InlineData("a@b\r\nRCPT TO:<x@y>", null, "553 5.1.7")]
    [InlineData("a\0@b", null, "553 5.1.7")]
    [InlineData("a@b", "id\r\nRSET", "550 5.5.4")]
    [InlineData("a@b", "ünïcode", "550 5.5.4")]
    public void A_message_envelope_that_cannot_be_sent_gets_a_permanent_reply(string reversePath, string? envelopeId, string start)
    {
        var reply = OutboundEnvelope.CheckMessage(reversePath, envelopeId);
        Assert.NotNull(reply);
        Assert.StartsWith(start, reply.ToString());
        Assert.DoesNotContain('\r', reply.ToString());
        Assert.DoesNotContain('\n', reply.ToString());
    }

    [Fact]
    public void An_ENVID_over_100_characters_cannot_be_sent()
    {
        Assert.Null(OutboundEnvelope.CheckMessage("a@b", new string('x', 100)));
        Assert.Equal(550, OutboundEnvelope.CheckMessage("a@b", new string('x', 101))!.Code);
    }

    [Theory]
    [InlineData("r@example.net", null)]
    [InlineData("rené@example.net", "utf-8;rené@example.net")]
    [InlineData("r@example.net", "rfc822;r+x=y@example.net")]
    [InlineData("r@example.net", "r@example.net")]
    public void A_sendable_recipient_passes(string address, string? orcpt)
    {
        Assert.Null(OutboundEnvelope.CheckRecipient(address, orcpt));
    }

    [Theory]
    [InlineData("r@b\r\nQUIT", null, "553 5.1.3")]
    [InlineData("r\x7f@b", null, "553 5.1.3")]
    [InlineData("r@b", "rfc822;r@b\r\nRSET", "550 5.5.4")]
    [InlineData("r@b", "rfc 822;r@b", "550 5.5.4")]
    [InlineData("r@b", ";r@b", "550 5.5.4")]
    public void A_recipient_that_cannot_be_sent_gets_a_permanent_reply(string address, string? orcpt, string start)
    {
        var reply = OutboundEnvelope.CheckRecipient(address, orcpt);
        Assert.NotNull(reply);
        Assert.StartsWith(start, reply.ToString());
    }
}
