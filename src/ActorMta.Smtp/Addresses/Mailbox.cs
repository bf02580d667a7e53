using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// An RFC 5321 mailbox: local-part "@" domain (or address literal).
/// <see cref="LocalPart"/> is the local part's content: quotes removed and quoted-pairs resolved.
/// </summary>
/// <param name="LocalPart">The local part, unquoted.</param>
/// <param name="Domain">The domain as given (case kept), or an address literal such as "[192.0.2.1]".</param>
/// <param name="IsQuotedLocalPart">
/// Whether the client sent the local part quoted. Relay policy may refuse quoted local parts, which
/// can carry '@', '%' or '!' to route mail onward (the "percent hack").
/// </param>
public sealed record Mailbox(string LocalPart, string Domain, bool IsQuotedLocalPart)
{
    /// <summary>Whether the domain is an address literal ([1.2.3.4] or [IPv6:...]).</summary>
    public bool IsAddressLiteral => Domain.StartsWith('[');

    /// <summary>Whether the local part holds '%', '!' or '@': old source-routing syntax, an open-relay trick.</summary>
    public bool HasRoutingCharacters => LocalPart.AsSpan().IndexOfAny('%', '!', '@') >= 0;

    /// <summary>The local part as it goes on the wire: a dot-string when it can be, otherwise quoted.</summary>
    public string WireLocalPart
    {
        get
        {
            var utf8 = Encoding.UTF8.GetBytes(LocalPart);
            return SmtpSyntax.IsDotString(utf8, utf8: true) ? LocalPart : Quote(LocalPart);
        }
    }

    /// <summary>"local@domain" in wire form, without angle brackets.</summary>
    public override string ToString() => $"{WireLocalPart}@{Domain}";

    /// <summary>
    /// Parses "local@domain" (no angle brackets), e.g. from configuration or an HTTP submission.
    /// </summary>
    public static bool TryParse(string text, bool allowUtf8, out Mailbox? mailbox) =>
        TryParse(text, allowUtf8, SmtpLimits.Default, out mailbox);

    /// <inheritdoc cref="TryParse(string, bool, out Mailbox?)"/>
    public static bool TryParse(string text, bool allowUtf8, SmtpLimits limits, out Mailbox? mailbox)
    {
        mailbox = null;
        var path = Encoding.UTF8.GetBytes($"<{text}>");
        if (PathParser.Parse(path, new LineSlice(0, path.Length), allowUtf8, limits, out var slices) != PathError.None
            || slices.Kind != PathKind.Mailbox)
        {
            return false;
        }
        mailbox = slices.ToMailbox(path);
        return true;
    }

    private static string Quote(string localPart)
    {
        var builder = new StringBuilder(localPart.Length + 2).Append('"');
        foreach (var c in localPart)
        {
            if (c is '"' or '\\') builder.Append('\\');
            builder.Append(c);
        }
        return builder.Append('"').ToString();
    }
}
