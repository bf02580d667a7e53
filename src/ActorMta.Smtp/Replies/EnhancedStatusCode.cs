namespace ActorMta.Smtp;

/// <summary>
/// RFC 3463 enhanced mail system status code: class.subject.detail, e.g. 5.1.1.
/// Class is 2, 4 or 5; subject and detail are 0 to 999.
/// </summary>
public readonly record struct EnhancedStatusCode
{
    public EnhancedStatusCode(int @class, int subject, int detail)
    {
        if (@class is not (2 or 4 or 5)) throw new ArgumentOutOfRangeException(nameof(@class), @class, "class must be 2, 4 or 5");
        if ((uint)subject > 999) throw new ArgumentOutOfRangeException(nameof(subject), subject, "subject must be 0 to 999");
        if ((uint)detail > 999) throw new ArgumentOutOfRangeException(nameof(detail), detail, "detail must be 0 to 999");
        (Class, Subject, Detail) = (@class, subject, detail);
    }

    public int Class { get; }
    public int Subject { get; }
    public int Detail { get; }

    /// <summary>Longest text form: "5.999.999".</summary>
    public const int MaxLength = 9;

    public override string ToString() => $"{Class}.{Subject}.{Detail}";

    /// <summary>Writes the text form; returns the octets written (at most <see cref="MaxLength"/>).</summary>
    public int Format(Span<byte> destination)
    {
        var written = 0;
        destination[written++] = (byte)('0' + Class);
        destination[written++] = (byte)'.';
        Subject.TryFormat(destination[written..], out var n);
        written += n;
        destination[written++] = (byte)'.';
        Detail.TryFormat(destination[written..], out n);
        return written + n;
    }

    /// <summary>Parses "c.s.d" from a string, e.g. "5.7.1".</summary>
    public static EnhancedStatusCode Parse(string text)
    {
        Span<byte> ascii = stackalloc byte[Math.Min(text.Length, MaxLength + 1)];
        for (var i = 0; i < ascii.Length; i++) ascii[i] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        return TryParse(ascii, out var code, out var length) && length == text.Length
            ? code
            : throw new FormatException($"'{text}' is not an enhanced status code (RFC 3463)");
    }

    /// <summary>
    /// Parses an enhanced status code at the start of <paramref name="text"/>. It must be followed by
    /// the end of text or a space; <paramref name="length"/> is the octets the code used.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out EnhancedStatusCode code, out int length)
    {
        code = default;
        length = 0;
        if (text.Length < 5 || text[0] is not ((byte)'2' or (byte)'4' or (byte)'5') || text[1] != '.') return false;
        var position = 2;
        if (!TryReadNumber(text, ref position, out var subject) || position >= text.Length || text[position] != '.') return false;
        position++;
        if (!TryReadNumber(text, ref position, out var detail)) return false;
        if (position < text.Length && text[position] != SmtpSyntax.Space) return false;
        code = new EnhancedStatusCode(text[0] - '0', subject, detail);
        length = position;
        return true;
    }

    private static bool TryReadNumber(ReadOnlySpan<byte> text, ref int position, out int value)
    {
        value = 0;
        var start = position;
        while (position < text.Length && SmtpSyntax.IsDigit(text[position]) && position - start < 3)
        {
            value = value * 10 + (text[position++] - '0');
        }
        return position > start && (position >= text.Length || !SmtpSyntax.IsDigit(text[position]));
    }
}
