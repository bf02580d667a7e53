using System.Text;
using ActorMta.Delivery;
using Akka.Actor;
using ActorMta.Smtp;
using ActorMta.TestSupport.Smtp;
using MimeKit;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// Delivery to a next hop that offers neither 8BITMIME nor SMTPUTF8 (a real sink configured so):
/// 8-bit content is converted to 7-bit per attempt (RFC 6152 3), 7-bit parts keep their bytes, and
/// what cannot be converted or needs SMTPUTF8 fails with 5.6.3 / 5.6.7 (RFC 6531 3.5).
/// </summary>
public sealed class SevenBitNextHopTests : DomainDeliveryTestKit
{
    private protected override TestSmtpSinkOptions SinkOptions => new() { EightBitMime = false, SmtpUtf8 = false };

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));

    private async Task<RecipientResult> DeliverAsync(byte[] body, bool smtpUtf8 = false, BodyType bodyType = BodyType.EightBitMime)
    {
        var request = await Bed.QueueAsync("example.test", body);
        var (delivery, queue) = Start("example.test");
        delivery.Tell(request with { SmtpUtf8 = smtpUtf8, BodyType = bodyType });
        return Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
    }

    private static void AssertSevenBit(byte[] body) => Assert.DoesNotContain(body, b => b >= 0x80);

    [Fact]
    public async Task An_8bit_text_part_goes_out_as_7bit_and_reads_the_same()
    {
        const string text = "Grüße aus Köln, 10 € für Bücher.\r\nZweite Zeile: naïve café.\r\n";
        var body = Bytes($"From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: 8bit\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}");

        var result = await DeliverAsync(body);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var received = Assert.Single(Sink.Messages);
        AssertSevenBit(received.Body);
        Assert.DoesNotContain(received.MailParameters, p => p.StartsWith("BODY=", StringComparison.OrdinalIgnoreCase));
        var delivered = MimeMessage.Load(new MemoryStream(received.Body));
        Assert.Equal(MimeMessage.Load(new MemoryStream(body)).TextBody, delivered.TextBody);
        Assert.StartsWith("Grüße aus Köln", delivered.TextBody);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable\r\n", Encoding.ASCII.GetString(received.Body));
        Assert.Equal("8bit", delivered.Subject);
    }

    [Fact]
    public async Task In_a_multipart_only_the_8bit_part_is_converted_and_the_7bit_parts_keep_their_bytes()
    {
        const string sevenBitPart = "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nPlain ASCII,   odd  spacing kept.\r\n=3D not decoded\r\n";
        const string attachment = "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"x.bin\"\r\n\r\nAAECAwQFBgcICQ==\r\n";
        const string eightBitText = "Ünïcödé text ✓\r\n";
        var body = Bytes("From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: mixed\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\nThis is a preamble.\r\n"
            + sevenBitPart
            + $"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{eightBitText}"
            + attachment
            + "--b1--\r\nEpilogue.\r\n");

        Assert.Equal(DeliveryOutcome.Delivered, (await DeliverAsync(body)).Outcome);

        var received = Assert.Single(Sink.Messages).Body;
        AssertSevenBit(received);
        var text = Encoding.ASCII.GetString(received);
        Assert.StartsWith("From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: mixed\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\nThis is a preamble.\r\n" + sevenBitPart, text);
        Assert.Contains(attachment + "--b1--\r\nEpilogue.\r\n", text);
        var parts = MimeMessage.Load(new MemoryStream(received)).BodyParts.ToArray();
        var original = MimeMessage.Load(new MemoryStream(body)).BodyParts.ToArray();
        Assert.Equal(Assert.IsType<TextPart>(original[1]).Text, Assert.IsType<TextPart>(parts[1]).Text);
        Assert.Equal(eightBitText.TrimEnd(), ((TextPart)parts[1]).Text);
        using var attached = new MemoryStream();
        Assert.IsType<MimePart>(parts[2]).Content!.DecodeTo(attached);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], attached.ToArray());
    }

    [Fact]
    public async Task A_7bit_message_goes_out_byte_for_byte()
    {
        var body = DeliveryTestBed.Body("seven", "only ascii\r\n.dot\r\n");

        Assert.Equal(DeliveryOutcome.Delivered, (await DeliverAsync(body, bodyType: BodyType.SevenBit)).Outcome);

        Assert.Equal(body, Assert.Single(Sink.Messages).Body);
    }

    [Fact]
    public async Task An_all_ASCII_message_that_only_carries_the_SMTPUTF8_flag_is_delivered_without_it()
    {
        var body = DeliveryTestBed.Body("flag only");

        var result = await DeliverAsync(body, smtpUtf8: true);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var received = Assert.Single(Sink.Messages);
        Assert.Equal(body, received.Body);
        Assert.DoesNotContain(received.MailParameters, p => p.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_message_with_UTF8_headers_that_needs_SMTPUTF8_fails_with_5_6_7()
    {
        var body = Bytes("From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: Grüße\r\n\r\nHello.\r\n");

        var result = await DeliverAsync(body, smtpUtf8: true);

        Assert.Equal((DeliveryOutcome.Failed, "5.6.7"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Empty(Sink.Transactions);
    }

    [Fact]
    public async Task Raw_8bit_in_headers_without_SMTPUTF8_cannot_be_converted_and_fails_with_5_6_3()
    {
        var body = Bytes("From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: Grüße\r\n\r\nHello.\r\n");

        var result = await DeliverAsync(body);

        Assert.Equal((DeliveryOutcome.Failed, 554, "5.6.3"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Empty(Sink.Transactions);
    }

    [Fact]
    public async Task A_message_global_part_cannot_be_converted_and_fails_with_5_6_3()
    {
        var body = Bytes("From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: forward\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: message/global\r\nContent-Transfer-Encoding: 8bit\r\n\r\nFrom: jörg@example.test\r\nSubject: hi\r\n\r\nbody ü\r\n"
            + "--b--\r\n");

        var result = await DeliverAsync(body);

        Assert.Equal((DeliveryOutcome.Failed, "5.6.3"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Empty(Sink.Transactions);
    }
}
