using System.Text;

namespace ActorMta.Bounces;

/// <summary>
/// Text that came from outside (remote replies, ENVID, ORCPT) made safe for DSN fields and the
/// explanation: no line breaks or control characters (no header injection), and outside
/// SMTPUTF8 nothing but ASCII.
/// </summary>
public static class DsnText
{
    public static string Clean(string value, bool utf8)
    {
        var clean = new StringBuilder(value.Length);
        foreach (var c in value)
            clean.Append(char.IsControl(c) ? ' ' : c > '\x7e' && !utf8 ? '?' : c);
        return clean.ToString().Trim();
    }

    /// <summary>"type;address" as written in a DSN field ("rfc822; a@b"); a bare address is taken as rfc822.</summary>
    public static string TypedAddress(string value, bool utf8)
    {
        var separator = value.IndexOf(';');
        return separator < 0
            ? $"rfc822; {Clean(value, utf8)}"
            : $"{Clean(value[..separator], utf8)}; {Clean(value[(separator + 1)..], utf8)}";
    }

    /// <summary>An address in an RFC 3464 field: rfc822, or utf-8 (RFC 6533) when it is not ASCII.</summary>
    public static string FinalRecipient(string address, bool utf8) =>
        Ascii.IsValid(address) || !utf8 ? $"rfc822; {Clean(address, utf8)}" : $"utf-8; {Clean(address, utf8)}";

    /// <summary>
    /// A field's value as written after "Name:" (leading space, folded at spaces to keep lines
    /// near 78 characters, CRLF at the end). Written as is, never through MimeKit's header
    /// encoder: RFC 2047 encoded-words have no place in delivery-status fields, and UTF-8 stays
    /// UTF-8 in message/global-delivery-status.
    /// </summary>
    public static string FoldedValue(string name, string value)
    {
        const int width = 78;
        var raw = new StringBuilder(value.Length + 8);
        var lineLength = name.Length + 1;
        foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lineLength + 1 + word.Length > width && lineLength > name.Length + 1)
            {
                raw.Append("\r\n");
                lineLength = 0;
            }
            raw.Append(' ').Append(word);
            lineLength += 1 + word.Length;
        }
        return raw.Append("\r\n").ToString();
    }
}
