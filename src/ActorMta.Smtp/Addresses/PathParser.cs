using System.Text;

namespace ActorMta.Smtp;

internal enum PathKind
{
    Mailbox,
    /// <summary>"&lt;&gt;".</summary>
    Null,
    /// <summary>"&lt;postmaster&gt;" (any case), no domain.</summary>
    Postmaster,
}

internal enum PathError
{
    None,
    Syntax,
    TooLong,
    NonAscii,
}

/// <summary>Where the parts of a parsed path lie on the line.</summary>
internal readonly record struct PathSlices(PathKind Kind, LineSlice LocalPart, LineSlice Domain, bool QuotedLocalPart)
{
    public Mailbox ToMailbox(ReadOnlySpan<byte> line)
    {
        var localPart = LocalPart.Of(line);
        var text = QuotedLocalPart ? Unquote(localPart) : Encoding.UTF8.GetString(localPart);
        return new Mailbox(text, Encoding.UTF8.GetString(Domain.Of(line)), QuotedLocalPart);
    }

    private static string Unquote(ReadOnlySpan<byte> quoted)
    {
        var inner = quoted[1..^1];
        Span<byte> plain = stackalloc byte[inner.Length];
        var written = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\') i++; // quoted-pair: keep the escaped octet
            plain[written++] = inner[i];
        }
        return Encoding.UTF8.GetString(plain[..written]);
    }
}

/// <summary>
/// RFC 5321 4.1.2 paths, with RFC 6531 UTF-8 when the transaction allows it:
/// Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;". Source routes (A-d-l) are checked and ignored (Appendix C).
/// </summary>
internal static class PathParser
{
    /// <summary>
    /// Finds the '&gt;' that closes the path opened by the '&lt;' at <paramref name="start"/>, skipping
    /// quoted strings (a quoted local part may hold '&gt;'). Returns the index after it, or -1.
    /// </summary>
    public static int FindEnd(ReadOnlySpan<byte> line, int start)
    {
        var quoted = false;
        for (var i = start + 1; i < line.Length; i++)
        {
            switch (line[i])
            {
                case (byte)'\\' when quoted:
                    i++;
                    break;
                case (byte)'"':
                    quoted = !quoted;
                    break;
                case (byte)'>' when !quoted:
                    return i + 1;
            }
        }
        return -1;
    }

    /// <summary>Parses the path at <paramref name="path"/> (angle brackets included).</summary>
    public static PathError Parse(ReadOnlySpan<byte> line, LineSlice path, bool utf8, SmtpLimits limits, out PathSlices slices)
    {
        slices = default;
        var text = path.Of(line);
        if (text.Length < 2 || text[0] != '<' || text[^1] != '>') return PathError.Syntax;
        if (!utf8 && text.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) return PathError.NonAscii;
        if (text.Length > limits.MaxPathLength) return PathError.TooLong;

        var start = path.Start + 1;
        var inner = text[1..^1];
        if (inner.IsEmpty)
        {
            slices = new PathSlices(PathKind.Null, default, default, false);
            return PathError.None;
        }
        if (inner[0] == '@')
        {
            var colon = inner.IndexOf((byte)':');
            if (colon < 0 || !IsSourceRoute(inner[..colon], utf8)) return PathError.Syntax;
            start += colon + 1;
            inner = inner[(colon + 1)..];
        }
        if (Ascii.EqualsIgnoreCase(inner, "postmaster"u8))
        {
            slices = new PathSlices(PathKind.Postmaster, default, default, false);
            return PathError.None;
        }

        var localLength = inner.Length > 0 && inner[0] == '"' ? QuotedStringLength(inner, utf8) : inner.IndexOf((byte)'@');
        if (localLength <= 0 || localLength >= inner.Length || inner[localLength] != '@') return PathError.Syntax;
        var localPart = inner[..localLength];
        var domain = inner[(localLength + 1)..];
        var quoted = localPart[0] == '"';
        if (!quoted && !SmtpSyntax.IsDotString(localPart, utf8)) return PathError.Syntax;
        if (quoted && utf8 && !SmtpSyntax.IsWellFormedUtf8(localPart)) return PathError.Syntax;
        if (!(domain.Length > 0 && domain[0] == '[' ? AddressLiteral.IsValid(domain) : SmtpSyntax.IsDomain(domain, utf8)))
            return PathError.Syntax;
        if (localPart.Length > limits.MaxLocalPartLength || domain.Length > limits.MaxDomainLength) return PathError.TooLong;

        slices = new PathSlices(
            PathKind.Mailbox,
            new LineSlice(start, localLength),
            new LineSlice(start + localLength + 1, domain.Length),
            quoted);
        return PathError.None;
    }

    /// <summary>A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain.</summary>
    private static bool IsSourceRoute(ReadOnlySpan<byte> route, bool utf8)
    {
        foreach (var range in route.Split((byte)','))
        {
            var atDomain = route[range];
            if (atDomain.Length < 2 || atDomain[0] != '@' || !SmtpSyntax.IsDomain(atDomain[1..], utf8)) return false;
        }
        return true;
    }

    /// <summary>Length of the Quoted-string at the start of <paramref name="text"/>, quotes included; -1 if malformed.</summary>
    private static int QuotedStringLength(ReadOnlySpan<byte> text, bool utf8)
    {
        for (var i = 1; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '"') return i + 1;
            if (b == '\\')
            {
                // quoted-pairSMTP = "\" %d32-126; RFC 6531 extends qtext only.
                if (++i >= text.Length || text[i] is < 32 or > 126) return -1;
            }
            else if (!(b is 32 or 33 or (>= 35 and <= 91) or (>= 93 and <= 126) || (utf8 && b >= 0x80)))
            {
                return -1;
            }
        }
        return -1;
    }
}
