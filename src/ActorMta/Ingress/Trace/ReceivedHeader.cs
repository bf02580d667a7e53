using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.Ingress.Trace;

/// <summary>What the trace header of one message records (RFC 5321 4.4).</summary>
/// <param name="HeloName">The client's HELO/EHLO argument.</param>
/// <param name="Id">This node's id for the transaction (an atom).</param>
/// <param name="Recipient">Named in the FOR clause when the message has exactly one recipient.</param>
public sealed record ReceivedTrace(
    string HeloName,
    IPAddress ClientAddress,
    string ServerName,
    bool Extended,
    bool SmtpUtf8,
    string Id,
    string? TlsProtocol,
    string? TlsCipher,
    string? AuthenticatedUser,
    string? Recipient,
    DateTimeOffset Date)
{
    /// <summary>The WITH keyword when the message did not come by SMTP (e.g. "HTTP" for the injection API).</summary>
    public string? Protocol { get; init; }
}

/// <summary>
/// The Received header a session prepends, in Postfix's layout: the client as it named itself and
/// its address, TLS and AUTH noted in comments, then this node, the protocol (RFC 3848 / RFC 6531
/// WITH keywords: ESMTPS = TLS, ESMTPA = authenticated), the id, the single recipient and the date.
/// </summary>
public static class ReceivedHeader
{
    /// <summary>The header, folded, ending in CRLF.</summary>
    public static byte[] Format(ReceivedTrace trace)
    {
        var header = new StringBuilder(256);
        header.Append("Received: from ").Append(trace.HeloName).Append(" (").Append(AddressLiteral(trace.ClientAddress)).Append(')');
        if (trace.TlsProtocol is not null)
            header.Append("\r\n\t(using ").Append(trace.TlsProtocol).Append(" with cipher ").Append(trace.TlsCipher).Append(')');
        if (trace.AuthenticatedUser is not null)
            header.Append("\r\n\t(authenticated as ").Append(CommentText(trace.AuthenticatedUser, trace.SmtpUtf8)).Append(')');
        header.Append("\r\n\tby ").Append(trace.ServerName).Append(" (ActorMta) with ")
            .Append(trace.Protocol ?? Protocol(trace.Extended, trace.TlsProtocol is not null, trace.AuthenticatedUser is not null, trace.SmtpUtf8))
            .Append(" id ").Append(trace.Id);
        if (trace.Recipient is not null)
            header.Append("\r\n\tfor <").Append(CommentText(trace.Recipient, trace.SmtpUtf8)).Append('>');
        header.Append(";\r\n\t").Append(Rfc5322Date(trace.Date)).Append("\r\n");
        return Encoding.UTF8.GetBytes(header.ToString());
    }

    /// <summary>The WITH protocol: SMTP after HELO; ESMTP with S for TLS and A for AUTH; UTF8SMTP... for SMTPUTF8 mail.</summary>
    public static string Protocol(bool extended, bool tls, bool authenticated, bool smtpUtf8)
    {
        if (!extended) return "SMTP";
        var name = smtpUtf8 ? "UTF8SMTP" : "ESMTP";
        if (tls) name += "S";
        if (authenticated) name += "A";
        return name;
    }

    /// <summary>RFC 5322 3.3 date-time, e.g. "Tue, 04 Mar 2025 09:05:00 +0000".</summary>
    public static string Rfc5322Date(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + $"{sign}{offset.Hours:00}{offset.Minutes:00}";
    }

    /// <summary>RFC 5321 address-literal: [192.0.2.1] or [IPv6:2001:db8::1].</summary>
    public static string AddressLiteral(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]";
    }

    /// <summary>Text safe inside a header comment: no parentheses or backslashes unescaped, no 8-bit text unless SMTPUTF8.</summary>
    private static string CommentText(string text, bool utf8)
    {
        var safe = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '(' or ')' or '\\') safe.Append('\\').Append(c);
            else if (char.IsControl(c) || (!utf8 && c > 0x7E)) safe.Append('?');
            else safe.Append(c);
        }
        return safe.ToString();
    }
}
