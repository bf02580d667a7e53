using System.Text;

namespace ActorMta.Smtp;

/// <summary>Why a recognized parameter's value was refused; the 501 reply says which.</summary>
public enum ParameterValueProblem
{
    None,
    /// <summary>Not the parameter's syntax (e.g. malformed xtext).</summary>
    Syntax,
    /// <summary>The decoded xtext holds a C0 or C1 control character or DEL (CR LF would start a command on the next hop).</summary>
    ControlCharacter,
    /// <summary>The decoded xtext holds octets outside US-ASCII where only printable US-ASCII may be (RFC 3461 4.2, 4.4).</summary>
    NotAscii,
    /// <summary>The decoded xtext is not well-formed UTF-8 (an SMTPUTF8 transaction's ORCPT).</summary>
    MalformedUtf8,
    /// <summary>Longer than the parameter's bound.</summary>
    TooLong,
    /// <summary>An rfc822 or utf-8 ORCPT whose address is not local-part@domain.</summary>
    NotAnAddress,
}

/// <summary>
/// What an xtext parameter may decode to. Issue 10's rule: whatever ingress accepts, delivery can
/// attempt. ENVID and ORCPT are written again on the outbound MAIL and RCPT lines (and into DSNs),
/// so they are checked here, where the client can still be told, not where the next hop refuses.
/// </summary>
internal static class DecodedValue
{
    /// <summary>ENVID and AUTH=: xtext decoding to at most <paramref name="maxLength"/> printable US-ASCII characters.</summary>
    public static ParameterValueProblem Check(ReadOnlySpan<byte> xtext, int maxLength, bool allowUtf8)
    {
        if (!Xtext.IsValid(xtext, out var length, allowUtf8)) return ParameterValueProblem.Syntax;
        if (length > maxLength) return ParameterValueProblem.TooLong;
        Span<byte> decoded = stackalloc byte[length];
        Xtext.Decode(xtext, decoded);
        return CheckOctets(decoded, allowUtf8);
    }

    /// <summary>
    /// ORCPT's address (RFC 3461 4.2): xtext (raw UTF-8 too in an SMTPUTF8 transaction, RFC 6533) that
    /// decodes to printable text; for the rfc822 and utf-8 types an address with a local part and a
    /// domain; and, as delivery encodes it again, no longer than <paramref name="maxLength"/> with its type.
    /// </summary>
    public static ParameterValueProblem CheckOriginalRecipient(ReadOnlySpan<byte> type, ReadOnlySpan<byte> xtext, bool utf8, int maxLength)
    {
        if (!Xtext.IsValid(xtext, out var length, allowUtf8: utf8)) return ParameterValueProblem.Syntax;
        Span<byte> decoded = stackalloc byte[length]; // length <= the line's ORCPT value <= maxLength
        Xtext.Decode(xtext, decoded);
        var problem = CheckOctets(decoded, utf8);
        if (problem != ParameterValueProblem.None) return problem;
        if (type.Length + 1 + Xtext.EncodedLength(decoded) > maxLength) return ParameterValueProblem.TooLong;
        if (Ascii.EqualsIgnoreCase(type, "rfc822"u8) || Ascii.EqualsIgnoreCase(type, "utf-8"u8))
        {
            var at = decoded.LastIndexOf((byte)'@');
            if (at <= 0 || at == decoded.Length - 1) return ParameterValueProblem.NotAnAddress;
        }
        return ParameterValueProblem.None;
    }

    private static ParameterValueProblem CheckOctets(ReadOnlySpan<byte> decoded, bool allowUtf8)
    {
        if (decoded.IndexOfAny(SmtpSyntax.CommandControls) >= 0) return ParameterValueProblem.ControlCharacter;
        var nonAscii = decoded.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        if (nonAscii < 0) return ParameterValueProblem.None;
        if (!allowUtf8) return ParameterValueProblem.NotAscii;
        if (!SmtpSyntax.IsWellFormedUtf8(decoded)) return ParameterValueProblem.MalformedUtf8;
        // C1 controls U+0080-U+009F are C2 80 - C2 9F; in well-formed UTF-8 a C2 is always a lead octet.
        for (var i = nonAscii; i < decoded.Length - 1; i++)
        {
            if (decoded[i] == 0xC2 && decoded[i + 1] is >= 0x80 and <= 0x9F) return ParameterValueProblem.ControlCharacter;
        }
        return ParameterValueProblem.None;
    }
}
