using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// Reads a DATA body as it arrives: removes dot-stuffing, stores the message into the caller's
/// buffer writer and stops exactly after the CRLF "." CRLF that ends it, leaving pipelined commands
/// that follow in the buffer.
/// </summary>
/// <remarks>
/// <para>This is a security boundary. Only CRLF ends a line: a bare CR or bare LF never starts a
/// line, so it can neither end the message nor make a dot after it special. Text a client smuggles
/// behind "\n.\n" or similar (SMTP smuggling, CVE-2023-51764 and kin) stays message content, and
/// by default the message is refused once its real end arrives (<see cref="DataViolations.BareLineEnding"/>).</para>
/// <para>Works on input split at any octet: the few octets whose meaning depends on what follows
/// (a CR, a dot at line start) are kept as state, not as buffered bytes. Allocates nothing.</para>
/// <para>Use: <see cref="Reset"/> after sending 354, then call <see cref="TryReadToEnd"/> with each
/// buffer the pipe gives until it returns true; advance the pipe to the returned buffer's start.</para>
/// </remarks>
public sealed class DataReader
{
    private enum State : byte
    {
        /// <summary>After CRLF (or at the start, the DATA line's CRLF): a dot here is special.</summary>
        LineStart,
        /// <summary>Inside a line: <see cref="TextContent"/> reads on to the next CRLF (a CR at a buffer's end is its state).</summary>
        MidLine,
        /// <summary>A dot at line start: the end if CRLF follows, else a stuffed dot to drop.</summary>
        Dot,
        DotCr,
    }

    private readonly SmtpLimits _limits;
    private State _state;
    private TextContent _text;

    public DataReader(SmtpLimits limits)
    {
        _limits = limits;
        _text = new TextContent(limits);
    }

    /// <summary>Whether the end of data has been read.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Message size after unstuffing, counted to the end even past the limit (RFC 1870 counting).</summary>
    public long MessageSize => _text.MessageSize;

    /// <summary>Octets written to the body writer (stops growing at the size limit).</summary>
    public long StoredSize => _text.StoredSize;

    /// <summary>Octets taken off the wire, dot-stuffing and the final ".\r\n" included.</summary>
    public long WireSize { get; private set; }

    /// <summary>Bare CRs and LFs turned into CRLF (<see cref="BareLineEndingHandling.Normalize"/> mode).</summary>
    public long NormalizedLineEndings => _text.NormalizedLineEndings;

    public DataViolations Violations => _text.Violations;

    /// <summary>Starts a new message. Call after sending 354.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        IsComplete = false;
        _text = new TextContent(_limits);
        WireSize = 0;
    }

    /// <summary>
    /// Consumes message octets from <paramref name="buffer"/> into <paramref name="body"/>; returns true
    /// once the end of data was read, with <paramref name="buffer"/> starting right after it.
    /// </summary>
    public bool TryReadToEnd(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> body)
    {
        if (IsComplete) return true;
        long consumed = 0;
        foreach (var segment in buffer)
        {
            consumed += Read(segment.Span, body);
            if (IsComplete) break;
        }
        buffer = buffer.Slice(consumed);
        WireSize += consumed;
        return IsComplete;
    }

    /// <summary>Reads one contiguous span; returns the octets used (fewer than all only at the end of data).</summary>
    private int Read(ReadOnlySpan<byte> span, IBufferWriter<byte> body)
    {
        var i = 0;
        while (i < span.Length)
        {
            switch (_state)
            {
                case State.MidLine:
                    // Text to the end of the line; only a real CRLF brings the next line start.
                    i += _text.Write(span[i..], body, stopAfterLineEnd: true, out var lineEnded);
                    if (lineEnded) _state = State.LineStart;
                    break;

                case State.LineStart:
                    if (span[i] == '.')
                    {
                        i++;
                        _state = State.Dot;
                    }
                    else
                    {
                        _state = State.MidLine;
                    }
                    break;

                case State.Dot:
                    if (span[i] == SmtpSyntax.Cr)
                    {
                        i++;
                        _state = State.DotCr;
                    }
                    else
                    {
                        _state = State.MidLine; // a stuffed dot (RFC 5321 4.5.2): drop it, keep the rest
                    }
                    break;

                case State.DotCr:
                    if (span[i] == SmtpSyntax.Lf)
                    {
                        IsComplete = true;
                        return i + 1;
                    }
                    // "." CR x: the dot was stuffing; the CR goes to the text, which finds it bare.
                    _text.PendingCr = true;
                    _state = State.MidLine;
                    break;
            }
        }
        return i;
    }
}
