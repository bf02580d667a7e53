using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// Reads CRLF-terminated lines (commands on the server, replies on the client) off the pipe's buffer.
/// A line ends only at CRLF: a bare CR or LF is part of the line and reported, never a line end.
/// An over-long line is discarded as it arrives, so input is never buffered beyond the limit,
/// and reported once its CRLF comes, so the session answers once and stays in step with the client.
/// </summary>
/// <remarks>
/// Drive it in a loop: <c>while (reader.TryRead(ref buffer, out var line) != NeedMoreData) {...}</c>
/// then <c>pipe.AdvanceTo(buffer.Start, buffer.End)</c>. The returned line points into the pipe's
/// memory (or this reader's own buffer when the line crossed segments) and is valid until the next
/// call or until the pipe is advanced. One reader per connection; it keeps state between calls.
/// </remarks>
public sealed class SmtpLineReader
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private byte[]? _joined;
    private bool _discarding;

    /// <param name="maxLineLength">Longest line accepted, including the CRLF.</param>
    public SmtpLineReader(int maxLineLength)
    {
        MaxLineLength = maxLineLength;
    }

    /// <summary>Longest line accepted, including CRLF. A session raises it for SASL responses (RFC 4954).</summary>
    public int MaxLineLength
    {
        get;
        set => field = value >= 3 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be at least 3");
    }

    /// <summary>Whether an over-long line is being discarded and its CRLF has not come yet.</summary>
    public bool IsDiscarding => _discarding;

    /// <summary>
    /// Takes one line off the front of <paramref name="buffer"/>, which is advanced past what was consumed.
    /// </summary>
    public LineStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySpan<byte> line)
    {
        line = default;
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> content, CrLf, advancePastDelimiter: true))
        {
            buffer = buffer.Slice(reader.Position);
            if (_discarding || content.Length + CrLf.Length > MaxLineLength)
            {
                _discarding = false;
                return LineStatus.TooLong;
            }
            line = content.IsSingleSegment ? content.FirstSpan : Join(content);
            return line.IndexOfAny(SmtpSyntax.Cr, SmtpSyntax.Lf) >= 0 ? LineStatus.BareLineEnding : LineStatus.Line;
        }

        // Content can be at most MaxLineLength - 2 octets; with a trailing CR it may still complete.
        if (_discarding || buffer.Length >= MaxLineLength)
        {
            _discarding = true;
            var keep = EndsWithCr(buffer) ? 1 : 0; // the CR may pair with an LF in the next read
            buffer = buffer.Slice(buffer.Length - keep);
        }
        return LineStatus.NeedMoreData;
    }

    /// <summary>Forgets a partly discarded line (after STARTTLS the byte stream starts over).</summary>
    public void Reset() => _discarding = false;

    private ReadOnlySpan<byte> Join(ReadOnlySequence<byte> content)
    {
        var length = (int)content.Length;
        if (_joined is null || _joined.Length < length) _joined = new byte[Math.Max(length, MaxLineLength)];
        content.CopyTo(_joined);
        return _joined.AsSpan(0, length);
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> buffer) =>
        !buffer.IsEmpty && buffer.Slice(buffer.Length - 1).FirstSpan[0] == SmtpSyntax.Cr;
}
