using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// RFC 3461 section 4 xtext: printable ASCII except '+' and '=', which (like anything else) travel as "+XX".
/// </summary>
public static class Xtext
{
    /// <summary>
    /// Whether <paramref name="xtext"/> is well-formed. With <paramref name="allowUtf8"/>, raw UTF-8 is
    /// allowed too (RFC 6533 utf-8-addr-unitext, for ORCPT in an SMTPUTF8 transaction).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> xtext, out int decodedLength, bool allowUtf8 = false)
    {
        decodedLength = 0;
        for (var i = 0; i < xtext.Length; decodedLength++)
        {
            var b = xtext[i];
            if (b == '+')
            {
                if (i + 2 >= xtext.Length) return false;
                if (HexValue(xtext[i + 1]) < 0 || HexValue(xtext[i + 2]) < 0) return false;
                i += 3;
            }
            else if (IsXchar(b) || (allowUtf8 && b >= 0x80))
            {
                i++;
            }
            else
            {
                return false;
            }
        }
        return !allowUtf8 || SmtpSyntax.IsWellFormedUtf8(xtext);
    }

    /// <summary>Decodes well-formed xtext into octets; returns how many were written.</summary>
    public static int Decode(ReadOnlySpan<byte> xtext, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < xtext.Length; written++)
        {
            if (xtext[i] == '+')
            {
                destination[written] = (byte)(HexValue(xtext[i + 1]) << 4 | HexValue(xtext[i + 2]));
                i += 3;
            }
            else
            {
                destination[written] = xtext[i++];
            }
        }
        return written;
    }

    /// <summary>Decodes xtext to a string (the decoded octets read as UTF-8).</summary>
    public static string Decode(ReadOnlySpan<byte> xtext, bool allowUtf8 = false)
    {
        if (!IsValid(xtext, out var length, allowUtf8)) throw new FormatException("not RFC 3461 xtext");
        var decoded = length <= 256 ? stackalloc byte[length] : new byte[length];
        Decode(xtext, decoded);
        return Encoding.UTF8.GetString(decoded);
    }

    /// <summary>Encodes text (as UTF-8 octets) to xtext, for ENVID and ORCPT on the outbound side.</summary>
    public static string Encode(string text)
    {
        var octets = Encoding.UTF8.GetBytes(text);
        var builder = new StringBuilder(octets.Length);
        foreach (var b in octets)
        {
            if (IsXchar(b)) builder.Append((char)b);
            else builder.Append('+').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }

    /// <summary>The length of <see cref="Encode"/>'s result for these octets.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> octets)
    {
        var length = 0;
        foreach (var b in octets) length += IsXchar(b) ? 1 : 3;
        return length;
    }

    private static bool IsXchar(byte b) => b is >= 33 and <= 126 and not (byte)'+' and not (byte)'=';

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10, // RFC 3461 says upper case; accept both.
        _ => -1,
    };
}
