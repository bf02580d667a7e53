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
        MidLine,
        /// <summary>A dot at line start: the end if CRLF follows, else a stuffed dot to drop.</summary>
        Dot,
        DotCr,
        /// <summary>A CR: a line end if LF follows, else bare.</summary>
        Cr,
    }

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;
    private static ReadOnlySpan<byte> BareCr => "\r"u8;
    private static ReadOnlySpan<byte> BareLf => "\n"u8;
    private static ReadOnlySpan<byte> Nul => "\0"u8;

    private readonly SmtpLimits _limits;
    private State _state;
    private long _lineLength;
    private MessageSizeLimit _size;

    public DataReader(SmtpLimits limits)
    {
        _limits = limits;
        _size = new MessageSizeLimit(limits.MaxMessageSize);
    }

    /// <summary>Whether the end of data has been read.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Message size after unstuffing, counted to the end even past the limit (RFC 1870 counting).</summary>
    public long MessageSize => _size.MessageSize;

    /// <summary>Octets written to the body writer (stops growing at the size limit).</summary>
    public long StoredSize => _size.StoredSize;

    /// <summary>Octets taken off the wire, dot-stuffing and the final ".\r\n" included.</summary>
    public long WireSize { get; private set; }

    /// <summary>Bare CRs and LFs turned into CRLF (<see cref="BareLineEndingHandling.Normalize"/> mode).</summary>
    public long NormalizedLineEndings { get; private set; }

    public DataViolations Violations { get; private set; }

    /// <summary>Starts a new message. Call after sending 354.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        _lineLength = 0;
        IsComplete = false;
        _size = new MessageSizeLimit(_limits.MaxMessageSize);
        WireSize = NormalizedLineEndings = 0;
        Violations = DataViolations.None;
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
                    var rest = span[i..];
                    var special = _limits.AllowNulInData
                        ? rest.IndexOfAny(SmtpSyntax.Cr, SmtpSyntax.Lf)
                        : rest.IndexOfAny(SmtpSyntax.Cr, SmtpSyntax.Lf, (byte)0);
                    if (special < 0)
                    {
                        Store(rest, body, endsLine: false);
                        return span.Length;
                    }
                    if (rest[special] == SmtpSyntax.Cr && special + 1 < rest.Length && rest[special + 1] == SmtpSyntax.Lf)
                    {
                        // The common case: a whole line and its CRLF in one copy.
                        Store(rest[..(special + 2)], body, endsLine: true);
                        i += special + 2;
                        _state = State.LineStart;
                        break;
                    }
                    Store(rest[..special], body, endsLine: false);
                    i += special + 1;
                    switch (rest[special])
                    {
                        case SmtpSyntax.Cr:
                            _state = State.Cr;
                            break;
                        case SmtpSyntax.Lf:
                            StoreBareLineEnding(BareLf, body);
                            break;
                        default:
                            Violations |= DataViolations.NulOctet;
                            Store(Nul, body, endsLine: false);
                            break;
                    }
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
                    StoreBareLineEnding(BareCr, body); // "." CR x: the dot was stuffing, the CR is bare
                    _state = State.MidLine;
                    break;

                case State.Cr:
                    if (span[i] == SmtpSyntax.Lf)
                    {
                        i++;
                        Store(CrLf, body, endsLine: true);
                        _state = State.LineStart;
                    }
                    else
                    {
                        StoreBareLineEnding(BareCr, body);
                        _state = State.MidLine;
                    }
                    break;
            }
        }
        return i;
    }

    /// <summary>A bare CR or LF: refused, or stored as CRLF. Either way the line does not end here.</summary>
    private void StoreBareLineEnding(ReadOnlySpan<byte> octet, IBufferWriter<byte> body)
    {
        if (_limits.BareLineEndings == BareLineEndingHandling.Normalize)
        {
            NormalizedLineEndings++;
            Store(CrLf, body, endsLine: true);
        }
        else
        {
            Violations |= DataViolations.BareLineEnding;
            Store(octet, body, endsLine: false);
        }
    }

    private void Store(ReadOnlySpan<byte> octets, IBufferWriter<byte> body, bool endsLine)
    {
        _lineLength += endsLine ? octets.Length - 2 : octets.Length;
        if (_lineLength > _limits.TextLineLength - 2) Violations |= DataViolations.LineTooLong;
        if (endsLine) _lineLength = 0;

        body.Write(_size.Admit(octets)); // keeps reading to the end; stores up to the limit
        if (_size.IsExceeded) Violations |= DataViolations.TooBig;
    }
}
