using System.Text;
using MimeKit;
using MimeKit.IO;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Content;

/// <summary>
/// RFC 6152 3: 8-bit content must not go to a next hop that does not offer 8BITMIME. This turns a
/// message's 8-bit MIME parts into quoted-printable (text) or base64 with MimeKit, for one attempt;
/// the stored body is never changed. Parts that are 7-bit already keep their bytes (MimeKit writes
/// unchanged headers and content as it parsed them). Headers cannot be converted: raw 8-bit there
/// needs SMTPUTF8 (RFC 6532) or is broken, and a message/global part is refused too.
/// </summary>
/// <remarks>
/// Changing the content breaks a DKIM signature made over the 8-bit original: the signer
/// (ActorMta.Dkim) converts with <see cref="ConvertInPlace"/> before it signs, so a signed body is 7-bit here.
/// </remarks>
public static class SevenBitConversion
{
    public abstract record Outcome
    {
        private Outcome()
        {
        }

        /// <summary>The body is 7-bit already: send it as it is.</summary>
        public sealed record Unchanged : Outcome;

        public sealed record Converted(byte[] Body) : Outcome;

        /// <summary>It cannot go to this next hop: fail it with this reply.</summary>
        public sealed record Impossible(RemoteReply Reply) : Outcome;
    }

    private static readonly Outcome.Unchanged SevenBit = new();

    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos };

    /// <param name="smtpUtf8">The message was submitted with SMTPUTF8: 8-bit headers then mean it needs SMTPUTF8 (5.6.7).</param>
    public static Outcome Convert(byte[] body, bool smtpUtf8)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!Has8Bit(body)) return SevenBit;

        MimeMessage message;
        // Persistent: parts refer to ranges of the body instead of holding copies of it.
        using var input = new MemoryStream(body, writable: false);
        message = new MimeParser(input, MimeFormat.Entity, persistent: true).ParseMessage();

        if (ConvertInPlace(message, smtpUtf8) is { } refusal) return refusal;

        using var output = new MemoryStream(body.Length + body.Length / 3);
        message.WriteTo(Wire, output);
        var converted = output.ToArray();
        // What MimeKit cannot re-encode (8-bit in a preamble or epilogue) is still 8-bit: refuse rather than send it.
        return Has8Bit(converted)
            ? Cannot("8-bit text outside any MIME part (a multipart preamble or epilogue)")
            : new Outcome.Converted(converted);
    }

    /// <summary>
    /// Converts the 8-bit parts of a parsed message in place (its parts re-encode when it is written); the reply
    /// when it cannot be. The DKIM signer converts with this before it signs, so delivery never changes signed content.
    /// </summary>
    public static Outcome.Impossible? ConvertInPlace(MimeMessage message, bool smtpUtf8)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Has8Bit(message.Headers))
            return HeadersNeedUtf8(smtpUtf8);
        if (Convert(message.Body) is { } refusal) return refusal;
        if (!message.Headers.Contains(HeaderId.MimeVersion)) message.MimeVersion = new Version(1, 0);
        return null;
    }

    /// <summary>Whether <paramref name="content"/> (read from where it is to its end) has an octet over 127.</summary>
    public static bool Has8Bit(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[16 * 1024];
        for (int read; (read = content.Read(buffer, 0, buffer.Length)) > 0;)
            if (Has8Bit(buffer.AsSpan(0, read))) return true;
        return false;
    }

    /// <summary>Converts the 8-bit leaves under <paramref name="entity"/> in place; the reply when one cannot be.</summary>
    private static Outcome.Impossible? Convert(MimeEntity? entity)
    {
        switch (entity)
        {
            case null:
                return null;
            case { } when Has8Bit(entity.Headers):
                return Cannot($"raw 8-bit text in the headers of a {entity.ContentType.MimeType} part");
            case MessagePart part when part.ContentType.IsMimeType("message", "global"):
                return Cannot("a message/global part (RFC 6532) cannot be converted to 7-bit");
            case MessagePart part:
                return part.Message is { } inner && Has8Bit(inner.Headers)
                    ? Cannot("raw 8-bit text in the headers of an attached message")
                    : Convert(part.Message?.Body);
            case Multipart multipart:
                foreach (var child in multipart)
                    if (Convert(child) is { } refusal) return refusal;
                return null;
            case MimePart leaf when leaf.Content is { } content && Has8Bit(content):
                if (leaf is TextPart && leaf.ContentType.Charset is null && IsUtf8(content)) leaf.ContentType.Charset = "utf-8";
                // Text stays readable (and line for line) as quoted-printable; anything else goes as base64.
                leaf.ContentTransferEncoding = leaf is TextPart ? ContentEncoding.QuotedPrintable : ContentEncoding.Base64;
                return null;
            default:
                return null;
        }
    }

    private static Outcome.Impossible HeadersNeedUtf8(bool smtpUtf8) => smtpUtf8
        ? new Outcome.Impossible(new RemoteReply(553, "5.6.7", "the message has UTF-8 headers and needs SMTPUTF8, which the receiving server does not offer"))
        : Cannot("raw 8-bit text in the message headers");

    private static Outcome.Impossible Cannot(string why) =>
        new(new RemoteReply(554, "5.6.3", $"8-bit message cannot be converted to 7-bit for a server without 8BITMIME: {why}"));

    private static bool Has8Bit(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0;

    private static bool Has8Bit(HeaderList headers) => headers.Any(h => Has8Bit(h.RawField) || Has8Bit(h.RawValue));

    private static bool Has8Bit(IMimeContent content)
    {
        using var raw = content.Open();
        return Has8Bit(raw);
    }

    private static bool IsUtf8(IMimeContent content)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Raw(content));
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    // The part's content as it came (still transfer-encoded): what would go on the wire unchanged.
    private static byte[] Raw(IMimeContent content)
    {
        using var copy = new MemoryBlockStream();
        using (var raw = content.Open()) raw.CopyTo(copy);
        return copy.ToArray();
    }
}
