using System.Buffers;
using System.Text;

namespace ActorMta.Smtp;

/// <summary>What <see cref="SmtpReplyParser.TryParse"/> found.</summary>
public enum ReplyStatus
{
    /// <summary>The reply is not complete yet: read more and call again.</summary>
    NeedMoreData,
    Complete,
    /// <summary>Not a reply: bad code, code changing between lines, bare CR/LF. Close the connection.</summary>
    Malformed,
    /// <summary>A line over <see cref="SmtpLimits.ReplyLineLength"/>. Close the connection.</summary>
    LineTooLong,
    /// <summary>More than <see cref="SmtpLimits.MaxReplyLines"/> lines. Close the connection.</summary>
    TooManyLines,
}

/// <summary>
/// The client side: reads a server's reply (RFC 5321 4.2.1), single- or multi-line, off the pipe's
/// buffer, and takes an RFC 3463 enhanced status code off each line when the server sent one whose
/// class matches the reply code. Servers that send none are fine: <see cref="SmtpReply.Status"/> is null.
/// </summary>
public sealed class SmtpReplyParser
{
    private readonly SmtpLimits _limits;
    private readonly SmtpLineReader _lines;
    private readonly List<string> _text = [];
    private int _code;
    private EnhancedStatusCode? _status;

    public SmtpReplyParser(SmtpLimits limits)
    {
        _limits = limits;
        _lines = new SmtpLineReader(limits.ReplyLineLength);
    }

    /// <summary>
    /// Reads reply lines off <paramref name="buffer"/> (advancing it) until a whole reply is there.
    /// After anything but <see cref="ReplyStatus.NeedMoreData"/> the parser is ready for the next reply.
    /// </summary>
    public ReplyStatus TryParse(ref ReadOnlySequence<byte> buffer, out SmtpReply? reply)
    {
        reply = null;
        while (true)
        {
            var status = _lines.TryRead(ref buffer, out var line);
            if (status == LineStatus.NeedMoreData) return ReplyStatus.NeedMoreData;
            if (status != LineStatus.Line) return Fail(status == LineStatus.TooLong ? ReplyStatus.LineTooLong : ReplyStatus.Malformed);

            if (!TryReadCode(line, out var code, out var last) || (_text.Count > 0 && code != _code)) return Fail(ReplyStatus.Malformed);
            if (_text.Count == _limits.MaxReplyLines) return Fail(ReplyStatus.TooManyLines);
            _code = code;
            _text.Add(TakeText(line.Length > 4 ? line[4..] : default, code));
            if (last)
            {
                reply = new SmtpReply(_code, _status, _text.ToArray());
                Clear();
                return ReplyStatus.Complete;
            }
        }
    }

    /// <summary>Reply-code [("-" / SP) text]: the code, and whether this is the last line.</summary>
    private static bool TryReadCode(ReadOnlySpan<byte> line, out int code, out bool last)
    {
        code = 0;
        last = true;
        if (line.Length < 3 || !SmtpSyntax.TryParseDigits(line[..3], 3, out var value) || !SmtpReply.IsValidCode((int)value)) return false;
        code = (int)value;
        if (line.Length == 3) return true;
        last = line[3] == SmtpSyntax.Space;
        return last || line[3] == '-';
    }

    private string TakeText(ReadOnlySpan<byte> text, int code)
    {
        if (EnhancedStatusCode.TryParse(text, out var status, out var length) && status.Class == code / 100 && (_status ?? status) == status)
        {
            _status = status;
            text = text[length..].TrimStart(SmtpSyntax.Space);
        }
        return Encoding.UTF8.GetString(text); // invalid UTF-8 becomes U+FFFD, never an exception
    }

    private ReplyStatus Fail(ReplyStatus status)
    {
        Clear();
        return status;
    }

    private void Clear()
    {
        _text.Clear();
        _status = null;
        _code = 0;
    }
}
