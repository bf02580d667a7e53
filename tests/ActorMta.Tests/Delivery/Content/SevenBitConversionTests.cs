using System.Text;
using ActorMta.Delivery.Content;
using MimeKit;

namespace ActorMta.Tests.Delivery.Content;

/// <summary>The per-attempt conversion for next hops without 8BITMIME, as a pure function of the stored bytes.</summary>
public class SevenBitConversionTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void A_7bit_body_is_left_as_it_is()
    {
        Assert.IsType<SevenBitConversion.Outcome.Unchanged>(SevenBitConversion.Convert(Bytes("Subject: x\r\n\r\nascii only\r\n"), smtpUtf8: false));
    }

    [Fact]
    public void A_message_without_MIME_headers_gets_them_and_its_text_survives()
    {
        var body = Bytes("From: a@origin.test\r\nSubject: plain\r\n\r\nCafé crème\r\n");

        var converted = Assert.IsType<SevenBitConversion.Outcome.Converted>(SevenBitConversion.Convert(body, smtpUtf8: false)).Body;

        Assert.DoesNotContain(converted, b => b >= 0x80);
        var text = Encoding.ASCII.GetString(converted);
        Assert.StartsWith("From: a@origin.test\r\nSubject: plain\r\n", text);
        Assert.Contains("MIME-Version: 1.0\r\n", text);
        Assert.Equal("Café crème", MimeMessage.Load(new MemoryStream(converted)).TextBody?.TrimEnd());
    }

    [Fact]
    public void An_8bit_attachment_goes_as_base64_with_its_bytes_intact()
    {
        var binary = new byte[] { 0x01, 0xfe, 0x80, 0x41, 0xff };
        var head = Bytes("Subject: bin\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        var body = head.Concat(binary).Concat(Bytes("\r\n")).ToArray();

        var converted = Assert.IsType<SevenBitConversion.Outcome.Converted>(SevenBitConversion.Convert(body, smtpUtf8: false)).Body;

        Assert.Contains("Content-Transfer-Encoding: base64", Encoding.ASCII.GetString(converted));
        using var decoded = new MemoryStream();
        Assert.IsType<MimePart>(MimeMessage.Load(new MemoryStream(converted)).Body).Content!.DecodeTo(decoded);
        Assert.Equal(binary.Concat(Bytes("\r\n")), decoded.ToArray());
    }

    [Theory]
    [InlineData(false, 554, "5.6.3")]
    [InlineData(true, 553, "5.6.7")]
    public void UTF8_headers_cannot_be_converted(bool smtpUtf8, int code, string status)
    {
        var body = Bytes("Subject: Grüße\r\n\r\nbody ü\r\n");

        var reply = Assert.IsType<SevenBitConversion.Outcome.Impossible>(SevenBitConversion.Convert(body, smtpUtf8)).Reply;

        Assert.Equal((code, status), (reply.Code, reply.EnhancedCode));
    }

    [Fact]
    public void Eight_bit_headers_of_an_attached_message_cannot_be_converted()
    {
        var body = Bytes("Subject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nSubject: Grüße\r\n\r\nbody\r\n");

        Assert.Equal("5.6.3", Assert.IsType<SevenBitConversion.Outcome.Impossible>(SevenBitConversion.Convert(body, false)).Reply.EnhancedCode);
    }

    [Fact]
    public void Eight_bit_text_in_a_multipart_preamble_is_refused_rather_than_sent()
    {
        var body = Bytes("Subject: p\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\nPréambule\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n");

        Assert.Equal("5.6.3", Assert.IsType<SevenBitConversion.Outcome.Impossible>(SevenBitConversion.Convert(body, false)).Reply.EnhancedCode);
    }
}
