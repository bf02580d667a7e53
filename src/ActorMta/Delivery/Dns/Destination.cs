using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorMta.Delivery.Dns;

/// <summary>
/// The domain part of a recipient, classified before any DNS work: a host name in ASCII (IDNs converted to
/// A-labels), an address literal (RFC 5321 4.1.3), or something that cannot be a destination at all.
/// </summary>
internal abstract record Destination
{
    private const int MaxDomainLength = 253;
    private const int MaxLabelLength = 63;
    private static readonly IdnMapping Idn = new();

    private Destination()
    {
    }

    /// <summary>A host name to look up: lower case, A-labels, no trailing dot.</summary>
    public sealed record HostName(string Ascii) : Destination;

    /// <summary>An address literal: deliver to this address, no DNS.</summary>
    public sealed record AddressLiteral(string Literal, IPAddress Address) : Destination;

    /// <summary>Not a usable destination, with the reason.</summary>
    public sealed record Invalid(string Input, string Reason) : Destination;

    public static Destination Parse(string domain)
    {
        var trimmed = domain.Trim();
        if (trimmed.StartsWith('['))
        {
            return ParseLiteral(trimmed);
        }

        trimmed = trimmed.EndsWith('.') ? trimmed[..^1] : trimmed;
        if (trimmed.Length == 0)
        {
            return new Invalid(domain, "empty domain");
        }

        string ascii;
        try
        {
            // IdnMapping lower-cases and maps U-labels to A-labels (xn--...); pure ASCII only needs lower-casing.
            ascii = trimmed.Any(c => c > 0x7f) ? Idn.GetAscii(trimmed) : trimmed.ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return new Invalid(domain, "not a valid internationalized domain name");
        }

        return CheckSyntax(ascii) is { } problem ? new Invalid(domain, problem) : new HostName(ascii);
    }

    private static Destination ParseLiteral(string literal)
    {
        if (!literal.EndsWith(']'))
        {
            return new Invalid(literal, "address literal without closing bracket");
        }

        var inner = literal[1..^1];
        const string ipv6Tag = "IPv6:";
        var isIpv6 = inner.StartsWith(ipv6Tag, StringComparison.OrdinalIgnoreCase);
        var text = isIpv6 ? inner[ipv6Tag.Length..] : inner;
        var family = isIpv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

        // IPAddress.TryParse also takes shorthand like "1.2"; RFC 5321 wants a full dotted quad for IPv4.
        var wellFormed = IPAddress.TryParse(text, out var address) && address.AddressFamily == family
                         && (isIpv6 || text.Count(c => c == '.') == 3);
        return wellFormed ? new AddressLiteral(literal, address!) : new Invalid(literal, "malformed address literal");
    }

    private static string? CheckSyntax(string ascii)
    {
        if (ascii.Length > MaxDomainLength)
        {
            return $"domain longer than {MaxDomainLength} characters";
        }

        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                return $"label of {label.Length} characters (1 to {MaxLabelLength} allowed)";
            }

            if (label.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                return $"invalid character in label '{label}'";
            }
        }

        return null;
    }
}
