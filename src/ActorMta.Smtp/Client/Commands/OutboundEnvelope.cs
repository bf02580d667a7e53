namespace ActorMta.Smtp.Client;

/// <summary>
/// Whether an envelope can go on the wire at all, decided before anything is sent: a pure check that
/// the delivery stage runs per message and per recipient (so one that cannot be sent fails alone,
/// permanently, and takes neither its batch nor the connection down), and that ingress can share.
/// Null means it can be sent; otherwise the reply that fails it.
/// </summary>
public static class OutboundEnvelope
{
    /// <summary>RFC 3461 4.4: ENVID is at most 100 characters.</summary>
    public const int MaxEnvelopeIdLength = 100;

    /// <summary>The message's own envelope: the reverse-path and the ENVID (decoded).</summary>
    public static SmtpReply? CheckMessage(string reversePath, string? envelopeId)
    {
        ArgumentNullException.ThrowIfNull(reversePath);
        if (HasControl(reversePath))
            return new SmtpReply(553, $"5.1.7 The reverse-path contains a control character and cannot be sent: {Shown(reversePath)}");
        if (envelopeId is not null && (envelopeId.Length > MaxEnvelopeIdLength || !IsPrintableAscii(envelopeId)))
            return new SmtpReply(550, $"5.5.4 The ENVID is not up to {MaxEnvelopeIdLength} printable US-ASCII characters (RFC 3461 4.4) and cannot be sent: {Shown(envelopeId)}");
        return null;
    }

    /// <summary>One recipient: its address and its ORCPT ("addr-type;address", decoded).</summary>
    public static SmtpReply? CheckRecipient(string address, string? originalRecipient)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (HasControl(address))
            return new SmtpReply(553, $"5.1.3 The recipient address contains a control character and cannot be sent: {Shown(address)}");
        if (originalRecipient is null) return null;
        var separator = originalRecipient.IndexOf(';');
        var type = separator < 0 ? "rfc822" : originalRecipient[..separator];
        // The addr-type goes out as it is (only the address is xtext): an atom, or it would add words to the command.
        if (type.Length == 0 || !type.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || HasControl(originalRecipient))
            return new SmtpReply(550, $"5.5.4 The ORCPT is not \"addr-type;address\" without control characters (RFC 3461 4.2) and cannot be sent: {Shown(originalRecipient)}");
        return null;
    }

    /// <summary>Control characters (C0 and DEL): CR or LF would end the command and start one of their own.</summary>
    internal static bool HasControl(string text) => text.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || text.Contains('\x7f');

    private static bool IsPrintableAscii(string text) => text.All(c => c is >= ' ' and <= '~');

    // Replies are one line of text: what was refused, with its control characters made visible and its length bounded.
    private static string Shown(string text)
    {
        var shown = string.Concat(text.Take(120).Select(c => c < ' ' || c == '\x7f' ? $"\\x{(int)c:x2}" : c.ToString()));
        return text.Length > 120 ? shown + "..." : shown;
    }
}
