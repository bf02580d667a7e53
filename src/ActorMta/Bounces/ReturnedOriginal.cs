using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using MimeKit;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>
/// The third part of a DSN: the original message or its headers (RFC 3461 4.3, RFC 3462).
///
/// RET=HDRS: headers. RET=FULL: the whole message up to a size limit, headers beyond it. No RET:
/// the whole message up to a smaller limit (bulk mail bounces in bulk). Delay and success DSNs
/// carry headers only (RET=FULL asks for the message in "failed" DSNs). A BINARYMIME original
/// carries headers only too: its binary body cannot travel in a message/rfc822 part over 8BITMIME.
/// MimeKit keeps what it parsed byte for byte, so the returned content is what was queued; 8-bit
/// content is labelled 8bit, and SMTPUTF8 originals come back as message/global(-headers) (RFC 6533).
/// </summary>
internal static class ReturnedOriginal
{
    public static ReturnedContent Choose(DsnRequest request, long bodyLength, BounceSettings settings)
    {
        if (request.Kind != DsnKind.Failure || request.Envelope.BodyType == BodyType.BinaryMime) return ReturnedContent.Headers;
        return request.Envelope.Ret switch
        {
            DsnReturn.Headers => ReturnedContent.Headers,
            DsnReturn.Full => bodyLength <= settings.ReturnFullMaxSize ? ReturnedContent.FullMessage : ReturnedContent.Headers,
            _ => bodyLength <= settings.ReturnUnspecifiedMaxSize ? ReturnedContent.FullMessage : ReturnedContent.Headers,
        };
    }

    /// <summary>
    /// The part to attach, or null when the stored body cannot be parsed (nothing is returned then).
    /// Headers only: at most <paramref name="maxHeaders"/> octets of them, so a message of huge headers
    /// (or none, all "headers") does not send the original back to a possibly forged sender.
    /// </summary>
    public static MimeEntity? Create(byte[] body, ReturnedContent returned, bool utf8, long maxHeaders)
    {
        try
        {
            if (returned == ReturnedContent.FullMessage)
            {
                using var stream = new MemoryStream(body, writable: false);
                return Labelled(new MessagePart(utf8 ? "global" : "rfc822") { Message = MimeMessage.Load(stream) }, body);
            }
            var headers = CappedHeaderSection(body, maxHeaders).ToArray();
            using var section = new MemoryStream(headers, writable: false);
            return Labelled(Headers(HeaderList.Load(section), utf8), headers);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static MessagePart Headers(HeaderList headers, bool utf8)
    {
        var part = new TextRfc822Headers { Message = new MimeMessage(headers) };
        if (utf8) (part.ContentType.MediaType, part.ContentType.MediaSubtype) = ("message", "global-headers");
        return part;
    }

    /// <summary>message/* and text/rfc822-headers parts are never encoded; 8-bit content is declared as such.</summary>
    private static MimeEntity Labelled(MimeEntity part, ReadOnlySpan<byte> content)
    {
        if (content.ContainsAnyInRange((byte)0x80, (byte)0xff)) part.Headers.Add(HeaderId.ContentTransferEncoding, "8bit");
        return part;
    }

    /// <summary>
    /// The header section (through the CRLF of its last field), cut to at most <paramref name="max"/> octets
    /// where a field begins: after a CRLF that no space or tab follows (a fold continues the field).
    /// </summary>
    internal static ReadOnlySpan<byte> CappedHeaderSection(ReadOnlySpan<byte> body, long max)
    {
        var end = body.IndexOf("\r\n\r\n"u8);
        var section = end < 0 ? body : body[..(end + 2)];
        if (section.Length <= max) return section;
        for (var start = (int)max; start >= 2; start--)
        {
            if (section[start - 2] == '\r' && section[start - 1] == '\n' && section[start] is not (byte)' ' and not (byte)'\t')
                return section[..start];
        }
        return default; // one field longer than the cap: nothing of it
    }
}
