using System.Buffers;
using System.Globalization;
using System.Text;

namespace ActorMta.Smtp.Client;

/// <summary>
/// The client's command lines, written straight into the connection's pipe. Arguments come from the
/// queue (checked with <see cref="OutboundEnvelope"/> before a transaction) and from configuration;
/// <see cref="EnsureSafe"/> still refuses control characters, so nothing can add a command line of its own.
/// Verbs and parameter keywords come from <see cref="SmtpKeywords"/>, the vocabulary the server's parser reads;
/// a round-trip test parses every line written here back to the same values.
/// </summary>
internal static class ClientCommands
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static void Ehlo(IBufferWriter<byte> output, string name) => Line(output, SmtpVerb.Ehlo, name);
    public static void Helo(IBufferWriter<byte> output, string name) => Line(output, SmtpVerb.Helo, name);
    public static void StartTls(IBufferWriter<byte> output) => Bare(output, SmtpVerb.StartTls);
    public static void Reset(IBufferWriter<byte> output) => Bare(output, SmtpVerb.Rset);
    public static void Data(IBufferWriter<byte> output) => Bare(output, SmtpVerb.Data);
    public static void Quit(IBufferWriter<byte> output) => Bare(output, SmtpVerb.Quit);

    /// <summary>"AUTH mechanism [initial-response]" (RFC 4954).</summary>
    public static void Auth(IBufferWriter<byte> output, string mechanism, string? initialResponse)
    {
        Verb(output, SmtpVerb.Auth);
        Text(output, mechanism);
        if (initialResponse is not null)
        {
            output.Write(" "u8);
            Text(output, initialResponse);
        }
        output.Write(CrLf);
    }

    /// <summary>A SASL response line (base64, or "*" to cancel).</summary>
    public static void SaslResponse(IBufferWriter<byte> output, string response)
    {
        Text(output, response);
        output.Write(CrLf);
    }

    /// <summary>"BDAT size [LAST]" (RFC 3030); the chunk's octets follow it directly.</summary>
    public static void Chunk(IBufferWriter<byte> output, int size, bool last)
    {
        Verb(output, SmtpVerb.Bdat);
        Number(output, size);
        if (last)
        {
            output.Write(" "u8);
            output.Write(SmtpKeywords.Last);
        }
        output.Write(CrLf);
    }

    /// <summary>MAIL FROM with the parameters <paramref name="plan"/> chose.</summary>
    public static void Mail(IBufferWriter<byte> output, OutboundMessage message, TransactionPlan plan)
    {
        Path(output, SmtpVerb.Mail, SmtpKeywords.From, message.ReversePath);
        if (plan.DeclaredSize is { } size)
        {
            Parameter(output, EsmtpParameter.Size);
            Number(output, size);
        }
        output.Write(plan.Body switch
        {
            BodyType.SevenBit => " BODY=7BIT"u8,
            BodyType.EightBitMime => " BODY=8BITMIME"u8,
            BodyType.BinaryMime => " BODY=BINARYMIME"u8,
            _ => default,
        });
        if (plan.SmtpUtf8)
        {
            output.Write(" "u8);
            output.Write(SmtpKeywords.Of(EsmtpParameter.SmtpUtf8));
        }
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
                Parameter(output, EsmtpParameter.EnvelopeId);
                Text(output, Xtext.Encode(envelopeId));
            }
        }
        output.Write(CrLf);
    }

    /// <summary>RCPT TO, with NOTIFY= and ORCPT= when the server offers DSN.</summary>
    public static void Recipient(IBufferWriter<byte> output, OutboundRecipient recipient, bool dsn)
    {
        Path(output, SmtpVerb.Rcpt, SmtpKeywords.To, recipient.Address);
        if (dsn)
        {
            Notify(output, recipient.Notify);
            if (recipient.OriginalRecipient is { } original)
            {
                // "addr-type;address", decoded; only the address is xtext (RFC 3461 4.2). No type given: rfc822.
                var separator = original.IndexOf(';');
                Parameter(output, EsmtpParameter.OriginalRecipient);
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

    private static void Line(IBufferWriter<byte> output, SmtpVerb verb, string argument)
    {
        Verb(output, verb);
        Text(output, argument);
        output.Write(CrLf);
    }

    private static void Bare(IBufferWriter<byte> output, SmtpVerb verb)
    {
        output.Write(SmtpKeywords.Of(verb));
        output.Write(CrLf);
    }

    /// <summary>The verb and the space after it.</summary>
    private static void Verb(IBufferWriter<byte> output, SmtpVerb verb)
    {
        output.Write(SmtpKeywords.Of(verb));
        output.Write(" "u8);
    }

    /// <summary>"MAIL FROM:&lt;path&gt;" / "RCPT TO:&lt;path&gt;".</summary>
    private static void Path(IBufferWriter<byte> output, SmtpVerb verb, ReadOnlySpan<byte> prefix, string path)
    {
        Verb(output, verb);
        output.Write(prefix);
        output.Write("<"u8);
        Text(output, path);
        output.Write(">"u8);
    }

    /// <summary>" KEYWORD=" before a parameter's value.</summary>
    private static void Parameter(IBufferWriter<byte> output, EsmtpParameter parameter)
    {
        output.Write(" "u8);
        output.Write(SmtpKeywords.Of(parameter));
        output.Write("="u8);
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
