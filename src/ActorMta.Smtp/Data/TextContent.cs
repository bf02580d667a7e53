using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// The message-text policy both content readers apply (DATA after dot-unstuffing, BDAT as it comes):
/// only CRLF ends a line; a bare CR or LF is refused or stored as CRLF
/// (<see cref="SmtpLimits.BareLineEndings"/>); NUL is refused unless allowed; lines are measured
/// against <see cref="SmtpLimits.TextLineLength"/>; the size is counted and storing stops at the limit.
/// Input may be split at any octet: a CR whose meaning depends on the next octet is kept as state.
/// </summary>
internal struct TextContent(SmtpLimits limits)
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;
    private static ReadOnlySpan<byte> BareCr => "\r"u8;
    private static ReadOnlySpan<byte> BareLf => "\n"u8;
    private static ReadOnlySpan<byte> Nul => "\0"u8;

    private MessageSizeLimit _size = new(limits.MaxMessageSize);
    private long _lineLength;

    /// <summary>A CR was the last octet seen: a line end if LF follows, else bare.</summary>
    public bool PendingCr { get; set; }

    public DataViolations Violations { get; private set; }

    public long MessageSize => _size.MessageSize;
    public long StoredSize => _size.StoredSize;

    /// <summary>Bare CRs and LFs turned into CRLF (<see cref="BareLineEndingHandling.Normalize"/> mode).</summary>
    public long NormalizedLineEndings { get; private set; }

    /// <summary>
    /// Takes text octets into <paramref name="body"/>. With <paramref name="stopAfterLineEnd"/> it stops
    /// right after the first CRLF (the DATA reader looks at what starts each line) and says so in
    /// <paramref name="lineEnded"/>; returns the octets used.
    /// </summary>
    public int Write(ReadOnlySpan<byte> span, IBufferWriter<byte> body, bool stopAfterLineEnd, out bool lineEnded)
    {
        lineEnded = false;
        var i = 0;
        while (i < span.Length)
        {
            if (PendingCr)
            {
                PendingCr = false;
                if (span[i] == SmtpSyntax.Lf)
                {
                    i++;
                    Store(CrLf, body, endsLine: true);
                    if (stopAfterLineEnd)
                    {
                        lineEnded = true;
                        return i;
                    }
                    continue;
                }
                StoreBareLineEnding(BareCr, body);
            }
            var rest = span[i..];
            var special = limits.AllowNulInData
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
                if (stopAfterLineEnd)
                {
                    lineEnded = true;
                    return i;
                }
                continue;
            }
            Store(rest[..special], body, endsLine: false);
            i += special + 1;
            switch (rest[special])
            {
                case SmtpSyntax.Cr:
                    PendingCr = true;
                    break;
                case SmtpSyntax.Lf:
                    StoreBareLineEnding(BareLf, body);
                    break;
                default:
                    Violations |= DataViolations.NulOctet;
                    Store(Nul, body, endsLine: false);
                    break;
            }
        }
        return i;
    }

    /// <summary>The content ended (BDAT LAST): a CR still waiting for its LF is bare.</summary>
    public void Complete(IBufferWriter<byte> body)
    {
        if (!PendingCr) return;
        PendingCr = false;
        StoreBareLineEnding(BareCr, body);
    }

    /// <summary>A bare CR or LF: refused, or stored as CRLF. Either way the line does not end here.</summary>
    private void StoreBareLineEnding(ReadOnlySpan<byte> octet, IBufferWriter<byte> body)
    {
        if (limits.BareLineEndings == BareLineEndingHandling.Normalize)
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
        if (_lineLength > limits.TextLineLength - 2) Violations |= DataViolations.LineTooLong;
        if (endsLine) _lineLength = 0;

        body.Write(_size.Admit(octets)); // keeps reading to the end; stores up to the limit
        if (_size.IsExceeded) Violations |= DataViolations.TooBig;
    }
}
