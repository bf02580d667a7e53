using System.Buffers;
using System.Globalization;
using System.Text;

namespace ActorMta.Smtp.Client;

/// <summary>
/// The client's command lines, written straight into the connection's pipe. Arguments come from the
/// queue (checked with <see cref="OutboundEnvelope"/> before a transaction) and from configuration;
/// <see cref="EnsureSafe"/> still refuses control characters, so nothing can add a command line of its own.
/// </summary>
internal static class ClientCommands
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static void Ehlo(IBufferWriter<byte> output, string name) => Line(output, "EHLO "u8, name);
    public static void Helo(IBufferWriter<byte> output, string name) => Line(output, "HELO "u8, name);
    public static void StartTls(IBufferWriter<byte> output) => output.Write("STARTTLS\r\n"u8);
    public static void Reset(IBufferWriter<byte> output) => output.Write("RSET\r\n"u8);
    public static void Data(IBufferWriter<byte> output) => output.Write("DATA\r\n"u8);
    public static void Quit(IBufferWriter<byte> output) => output.Write("QUIT\r\n"u8);

    /// <summary>"AUTH mechanism [initial-response]" (RFC 4954).</summary>
    public static void Auth(IBufferWriter<byte> output, string mechanism, string? initialResponse)
    {
        output.Write("AUTH "u8);
        Text(output, mechanism);
        if (initialResponse is not null)
        {
            output.Write(" "u8);
            Text(output, initialResponse);
        }
        output.Write(CrLf);
    }

    /// <summary>A SASL response line (base64, or "*" to cancel).</summary>
    public static void SaslResponse(IBufferWriter<byte> output, string response) => Line(output, default, response);

    /// <summary>"BDAT size [LAST]" (RFC 3030); the chunk's octets follow it directly.</summary>
    public static void Chunk(IBufferWriter<byte> output, int size, bool last)
    {
        output.Write("BDAT "u8);
        Number(output, size);
        output.Write(last ? " LAST\r\n"u8 : CrLf);
    }

    /// <summary>MAIL FROM with the parameters <paramref name="plan"/> chose.</summary>
    public static void Mail(IBufferWriter<byte> output, OutboundMessage message, TransactionPlan plan)
    {
        output.Write("MAIL FROM:<"u8);
        Text(output, message.ReversePath);
        output.Write(">"u8);
        if (plan.DeclaredSize is { } size)
        {
            output.Write(" SIZE="u8);
            Number(output, size);
        }
        output.Write(plan.Body switch
        {
            BodyType.SevenBit => " BODY=7BIT"u8,
            BodyType.EightBitMime => " BODY=8BITMIME"u8,
            BodyType.BinaryMime => " BODY=BINARYMIME"u8,
            _ => default,
        });
        if (plan.SmtpUtf8) output.Write(" SMTPUTF8"u8);
        if (plan.Dsn)
        {
            output.Write(message.Ret switch
            {
                DsnReturn.Full => " RET=FULL"u8,
                DsnReturn.Headers => " RET=HDRS"u8,
                _ => default,
            });
            if (message.EnvelopeId is { } envelopeId)
            {
                output.Write(" ENVID="u8);
                Text(output, Xtext.Encode(envelopeId));
            }
        }
        output.Write(CrLf);
    }

    /// <summary>RCPT TO, with NOTIFY= and ORCPT= when the server offers DSN.</summary>
    public static void Recipient(IBufferWriter<byte> output, OutboundRecipient recipient, bool dsn)
    {
        output.Write("RCPT TO:<"u8);
        Text(output, recipient.Address);
        output.Write(">"u8);
        if (dsn)
        {
            Notify(output, recipient.Notify);
            if (recipient.OriginalRecipient is { } original)
            {
                // "addr-type;address", decoded; only the address is xtext (RFC 3461 4.2). No type given: rfc822.
                var separator = original.IndexOf(';');
                output.Write(" ORCPT="u8);
                Text(output, separator < 0 ? "rfc822" : original[..separator]);
                output.Write(";"u8);
                Text(output, Xtext.Encode(separator < 0 ? original : original[(separator + 1)..]));
            }
        }
        output.Write(CrLf);
    }

    /// <summary>Throws when an envelope address or name holds a control character (CR or LF would start a new command).</summary>
    public static void EnsureSafe(string text, string what)
    {
        if (OutboundEnvelope.HasControl(text))
            throw new ArgumentException($"{what} contains a control character: {text.ReplaceLineEndings("\\n")}");
    }

    private static void Notify(IBufferWriter<byte> output, DsnNotify notify)
    {
        if (notify == DsnNotify.Unspecified) return;
        if (notify.HasFlag(DsnNotify.Never))
        {
            output.Write(" NOTIFY=NEVER"u8); // NEVER stands alone (RFC 3461 4.1)
            return;
        }
        var separator = " NOTIFY="u8;
        foreach (var (flag, keyword) in NotifyKeywords)
        {
            if (!notify.HasFlag(flag)) continue;
            output.Write(separator);
            output.Write(keyword);
            separator = ","u8;
        }
    }

    private static readonly (DsnNotify Flag, byte[] Keyword)[] NotifyKeywords =
    [
        (DsnNotify.Success, "SUCCESS"u8.ToArray()),
        (DsnNotify.Failure, "FAILURE"u8.ToArray()),
        (DsnNotify.Delay, "DELAY"u8.ToArray()),
    ];

    private static void Line(IBufferWriter<byte> output, ReadOnlySpan<byte> verb, string argument)
    {
        output.Write(verb);
        Text(output, argument);
        output.Write(CrLf);
    }

    private static void Text(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Number(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        output.Advance(written);
    }
}
