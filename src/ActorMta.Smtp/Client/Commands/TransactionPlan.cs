using System.Text;

namespace ActorMta.Smtp.Client;

/// <summary>
/// How one message goes over one connection, decided from what the server offered before anything
/// is sent; or the local verdict when it cannot go at all.
/// </summary>
/// <param name="DeclaredSize">SIZE= to declare (RFC 1870), when the server offers SIZE.</param>
/// <param name="Body">BODY= to declare (RFC 6152, RFC 3030), or Unspecified for none.</param>
/// <param name="SmtpUtf8">Declare SMTPUTF8 (RFC 6531): the message or an address needs it.</param>
/// <param name="Dsn">Pass RET, ENVID, NOTIFY and ORCPT on (RFC 3461).</param>
/// <param name="Chunked">Send the content with BDAT (RFC 3030) instead of DATA.</param>
/// <param name="Pipelined">Send commands in groups (RFC 2920).</param>
internal readonly record struct TransactionPlan(long? DeclaredSize, BodyType Body, bool SmtpUtf8, bool Dsn, bool Chunked, bool Pipelined)
{
    /// <summary>The plan for <paramref name="message"/>, or null with <paramref name="verdict"/> when the server cannot take it.</summary>
    public static TransactionPlan? Decide(OutboundMessage message, ServerExtensions server, SmtpClientOptions options, out SmtpReply? verdict)
    {
        var chunked = options.UseChunking && server.Chunking;
        // RFC 6531 3.5: only a message that really needs SMTPUTF8 (a UTF-8 address, or UTF-8 headers in one submitted
        // with SMTPUTF8) fails at a server without it; one that merely carries the flag goes without it.
        var needsUtf8 = !Ascii.IsValid(message.ReversePath) || message.Recipients.Any(r => !Ascii.IsValid(r.Address))
                        || (message.SmtpUtf8 && HeadersHave8Bit(message.Body.Span));
        var smtpUtf8 = server.SmtpUtf8 ? message.SmtpUtf8 || needsUtf8 : needsUtf8;
        verdict = server.MaxSize is > 0 and var max && message.Body.Length > max ? SmtpReplies.MessageTooBig
            : smtpUtf8 && !server.SmtpUtf8 ? ClientReplies.SmtpUtf8NotOffered
            : message.BodyType == BodyType.BinaryMime && !(chunked && server.BinaryMime) ? ClientReplies.BinaryMimeNotOffered
            : null;
        if (verdict is not null) return null;

        var body = message.BodyType switch
        {
            BodyType.BinaryMime => BodyType.BinaryMime,
            // Without 8BITMIME the body goes as it is, undeclared, as Postfix does by default (RFC 6152 allows no BODY= then).
            BodyType.SevenBit or BodyType.EightBitMime when server.EightBitMime => message.BodyType,
            _ => BodyType.Unspecified,
        };
        return new TransactionPlan(
            DeclaredSize: server.MaxSize is null ? null : message.Body.Length,
            Body: body,
            SmtpUtf8: smtpUtf8,
            Dsn: server.Dsn,
            Chunked: chunked,
            Pipelined: options.UsePipelining && server.Pipelining);
    }

    /// <summary>Whether the top-level header section (up to the first empty line) holds a non-ASCII octet.</summary>
    internal static bool HeadersHave8Bit(ReadOnlySpan<byte> body)
    {
        var end = body.IndexOf("\r\n\r\n"u8);
        var headers = end < 0 ? body : body[..end];
        return headers.IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0;
    }
}
