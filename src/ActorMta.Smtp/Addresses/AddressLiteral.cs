using System.Text;

namespace ActorMta.Smtp;

/// <summary>RFC 5321 4.1.3 address literals: [IPv4] and [IPv6:...]. Other tags are not registered and refused.</summary>
internal static class AddressLiteral
{
    public static bool IsValid(ReadOnlySpan<byte> literal)
    {
        if (literal.Length < 3 || literal[0] != '[' || literal[^1] != ']') return false;
        var inside = literal[1..^1];
        return inside.Length > 5 && Ascii.EqualsIgnoreCase(inside[..5], "IPv6:"u8)
            ? IsIPv6(inside[5..])
            : IsIPv4(inside);
    }

    /// <summary>Snum 3("." Snum), Snum = 1*3DIGIT of value 0-255.</summary>
    public static bool IsIPv4(ReadOnlySpan<byte> text)
    {
        var parts = 0;
        foreach (var range in text.Split((byte)'.'))
        {
            var part = text[range];
            if (++parts > 4 || !SmtpSyntax.TryParseDigits(part, 3, out var value) || value > 255) return false;
        }
        return parts == 4;
    }

    /// <summary>
    /// IPv6-full, IPv6-comp, IPv6v4-full or IPv6v4-comp: eight 16-bit groups, or fewer with one "::"
    /// standing for at least two, and optionally an IPv4 address as the last two.
    /// </summary>
    public static bool IsIPv6(ReadOnlySpan<byte> text)
    {
        var groups = 0;
        var compressed = false;
        var i = 0;
        if (text.StartsWith("::"u8))
        {
            compressed = true;
            i = 2;
        }
        else if (text.IsEmpty || text[0] == ':')
        {
            return false;
        }

        while (i < text.Length)
        {
            var end = text[i..].IndexOf((byte)':');
            var group = end < 0 ? text[i..] : text.Slice(i, end);
            if (group.IndexOf((byte)'.') >= 0)
            {
                // An IPv4 tail must come last and counts as two groups.
                if (end >= 0 || !IsIPv4(group)) return false;
                groups += 2;
                break;
            }
            if (group.Length is 0 or > 4 || group.IndexOfAnyExcept(SmtpSyntax.HexDigits) >= 0) return false;
            groups++;
            if (end < 0) break;
            i += end + 1;
            if (i < text.Length && text[i] == ':')
            {
                if (compressed) return false;
                compressed = true;
                i++;
            }
            else if (i == text.Length)
            {
                return false; // a single trailing ':'
            }
        }
        return compressed ? groups <= 6 : groups == 8;
    }
}
