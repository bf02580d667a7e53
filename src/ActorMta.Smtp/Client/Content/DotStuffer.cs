using System.Buffers;

namespace ActorMta.Smtp.Client;

/// <summary>
/// Turns a queued message into DATA content (RFC 5321 4.5.2): a '.' that starts a line is doubled,
/// every line ends in CRLF, and the content ends with CRLF "." CRLF. A bare CR or bare LF becomes
/// CRLF, so the receiving server never sees a line ending it might read differently from us (SMTP
/// smuggling). Fed in slices, so a large body streams through the pipe; state carries across slices.
/// </summary>
internal struct DotStuffer
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private bool _midLine;
    private bool _pendingCr;

    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> slice)
    {
        if (slice.IsEmpty) return;
        var i = 0;
        if (_pendingCr)
        {
            // The last slice ended in CR: it pairs with an LF here, or was a bare CR. CRLF either way.
            _pendingCr = false;
            _midLine = false;
            output.Write(CrLf);
            if (slice[0] == SmtpSyntax.Lf) i = 1;
        }

        while (i < slice.Length)
        {
            if (!_midLine && slice[i] == '.') output.Write("."u8);
            _midLine = true;

            var rest = slice[i..];
            var end = rest.IndexOfAny(SmtpSyntax.Cr, SmtpSyntax.Lf);
            if (end < 0)
            {
                output.Write(rest);
                return;
            }

            output.Write(rest[..end]);
            i += end;
            if (slice[i] == SmtpSyntax.Cr && i + 1 == slice.Length)
            {
                _pendingCr = true;
                return;
            }

            output.Write(CrLf);
            _midLine = false;
            i += slice[i] == SmtpSyntax.Cr && slice[i + 1] == SmtpSyntax.Lf ? 2 : 1;
        }
    }

    /// <summary>Ends the content: closes an unfinished last line, then the end-of-data line.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_pendingCr || _midLine) output.Write(CrLf);
        output.Write(".\r\n"u8);
        this = default;
    }
}
