using System.Buffers;
using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// An SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code and one or more
/// text lines. The wire form is built once, so writing a cached reply copies bytes and allocates nothing.
/// </summary>
public sealed record SmtpReply
{
    private readonly byte[] _wire;

    public SmtpReply(int code, EnhancedStatusCode? status, params IReadOnlyList<string> lines)
    {
        ValidateCode(code);
        if (status is { } s && s.Class != code / 100)
            throw new ArgumentException($"enhanced status {s} does not match reply class {code / 100}", nameof(status));
        if (lines.Count == 0) throw new ArgumentException("a reply has at least one line", nameof(lines));
        foreach (var line in lines) ValidateText(line);
        Code = code;
        Status = status;
        Lines = lines.ToArray();
        _wire = Format(code, status, Lines);
    }

    /// <summary>Builds a reply from text such as "5.1.1 User unknown" (with status) or "User unknown".</summary>
    public SmtpReply(int code, string text) : this(code, ParseStatus(code, ref text), text)
    {
    }

    public int Code { get; }
    public EnhancedStatusCode? Status { get; }
    public IReadOnlyList<string> Lines { get; }

    /// <summary>2yz: the command succeeded.</summary>
    public bool IsPositiveCompletion => Code / 100 == 2;
    /// <summary>3yz: send more (354 after DATA, 334 during AUTH).</summary>
    public bool IsPositiveIntermediate => Code / 100 == 3;
    /// <summary>4yz: try again later.</summary>
    public bool IsTransientFailure => Code / 100 == 4;
    /// <summary>5yz: do not try again.</summary>
    public bool IsPermanentFailure => Code / 100 == 5;

    /// <summary>The exact octets on the wire, every line ending in CRLF.</summary>
    public ReadOnlySpan<byte> Wire => _wire;

    /// <summary>Copies the wire form into <paramref name="output"/>.</summary>
    public void WriteTo(IBufferWriter<byte> output) => output.Write(_wire);

    /// <summary>The wire form without the final CRLF, for logs and DSNs.</summary>
    public override string ToString() => Encoding.UTF8.GetString(_wire, 0, _wire.Length - 2);

    public bool Equals(SmtpReply? other) => other is not null && _wire.AsSpan().SequenceEqual(other._wire);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_wire);
        return hash.ToHashCode();
    }

    /// <summary>
    /// Writes a single-line reply built at run time (e.g. "250 2.0.0 Ok: queued as X") without allocating.
    /// Pass <paramref name="last"/> = false for a continuation line ("250-...").
    /// </summary>
    public static void Write(IBufferWriter<byte> output, int code, EnhancedStatusCode? status, ReadOnlySpan<char> text, bool last = true)
    {
        ValidateCode(code);
        ValidateText(text);
        var span = output.GetSpan(4 + EnhancedStatusCode.MaxLength + 1 + Encoding.UTF8.GetMaxByteCount(text.Length) + 2);
        var written = FormatLine(span, code, status, text, last);
        output.Advance(written);
    }

    private static byte[] Format(int code, EnhancedStatusCode? status, IReadOnlyList<string> lines)
    {
        var size = 0;
        foreach (var line in lines) size += 4 + EnhancedStatusCode.MaxLength + 1 + Encoding.UTF8.GetByteCount(line) + 2;
        var buffer = new byte[size];
        var written = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            written += FormatLine(buffer.AsSpan(written), code, status, lines[i], last: i == lines.Count - 1);
        }
        return buffer.AsSpan(0, written).ToArray();
    }

    private static int FormatLine(Span<byte> destination, int code, EnhancedStatusCode? status, ReadOnlySpan<char> text, bool last)
    {
        code.TryFormat(destination, out var written);
        destination[written++] = last ? SmtpSyntax.Space : (byte)'-';
        if (status is { } s)
        {
            written += s.Format(destination[written..]);
            if (!text.IsEmpty) destination[written++] = SmtpSyntax.Space;
        }
        written += Encoding.UTF8.GetBytes(text, destination[written..]);
        if (last && status is null && text.IsEmpty) written--; // "250" rather than "250 "
        destination[written++] = SmtpSyntax.Cr;
        destination[written++] = SmtpSyntax.Lf;
        return written;
    }

    /// <summary>RFC 5321 4.2: first digit 2-5, second 0-5, third 0-9.</summary>
    internal static bool IsValidCode(int code) => code is >= 200 and <= 599 && code / 10 % 10 <= 5;

    private static void ValidateCode(int code)
    {
        if (!IsValidCode(code)) throw new ArgumentOutOfRangeException(nameof(code), code, "not an SMTP reply code");
    }

    private static void ValidateText(ReadOnlySpan<char> text)
    {
        // A CR or LF in reply text would let caller-supplied text forge extra reply lines.
        if (text.IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("reply text must not contain CR or LF", nameof(text));
    }

    private static EnhancedStatusCode? ParseStatus(int code, ref string text)
    {
        Span<byte> head = stackalloc byte[Math.Min(text.Length, EnhancedStatusCode.MaxLength + 1)];
        for (var i = 0; i < head.Length; i++) head[i] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        if (!EnhancedStatusCode.TryParse(head, out var status, out var length) || status.Class != code / 100) return null;
        text = text[length..].TrimStart(' ');
        return status;
    }
}
