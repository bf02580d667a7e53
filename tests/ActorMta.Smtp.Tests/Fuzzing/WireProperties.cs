using System.Buffers;
using static ActorMta.Smtp.Fuzzing.PropertyViolation;

namespace ActorMta.Smtp.Fuzzing;

/// <summary>
/// The server parsers and the client's reply parser against random and mutated input: no exception
/// escapes, every input gets a verdict, and no transaction is smuggled (a DATA message ends only at
/// CRLF "." CRLF, a BDAT chunk is exactly its size, what follows the end is left for the command reader).
/// Each property throws <see cref="PropertyViolation"/> (or whatever escaped) when it does not hold.
/// </summary>
internal static class WireProperties
{
    private static readonly SmtpCommandParser Parser = new(SmtpLimits.Default);
    private static ReadOnlySpan<byte> EndOfData => "\r\n.\r\n"u8;

    /// <summary>Any line: a verdict, and a refusal always comes with a 4yz/5yz reply of one line.</summary>
    public static void CommandLine(byte[] line, SmtpExtensions offered, bool utf8)
    {
        var command = Parser.Parse(line, offered, utf8);
        if (!command.IsOk)
        {
            Unless(command.ErrorReply is { Code: >= 400 and < 600 }, $"refusal without a 4yz/5yz reply: {command.Status} for {FuzzInputs.Show(line)}");
            Unless(command.ErrorReply!.Wire.IndexOfAny("\r\n"u8) == command.ErrorReply.Wire.Length - 2, "reply of more than one line");
            return;
        }
        Unless(command.Verb != SmtpVerb.None, $"accepted without a verb: {FuzzInputs.Show(line)}");
        _ = command.ArgumentText();
        if (command.Verb is SmtpVerb.Mail or SmtpVerb.Rcpt) EnvelopeProperty.Check(line, utf8);
        if (command.Verb == SmtpVerb.Bdat) Unless(command.ChunkSize >= 0, "negative chunk size");
    }

    /// <summary>
    /// DATA: the reader ends exactly after the first CRLF "." CRLF (the DATA line's CRLF counts as the
    /// first CRLF), leaves everything after it, and stores what a plain reference reading says: lines
    /// split at CRLF only, one leading dot removed, bare CR/LF and NUL and long lines reported.
    /// </summary>
    public static void Data(byte[] stream, int[] cuts, BareLineEndingHandling bare)
    {
        var limits = SmtpLimits.Default with { BareLineEndings = bare };
        var reader = new DataReader(limits);
        reader.Reset();
        var body = new ArrayBufferWriter<byte>();
        var (complete, left) = Feed(stream, cuts, (ref ReadOnlySequence<byte> buffer) => reader.TryReadToEnd(ref buffer, body));

        var withStart = new byte[stream.Length + 2];
        "\r\n"u8.CopyTo(withStart);
        stream.CopyTo(withStart, 2);
        var marker = withStart.AsSpan().IndexOf(EndOfData);
        Unless(complete == marker >= 0, $"end of data {(complete ? "found" : "missed")}; reference says {marker}: {FuzzInputs.Show(stream)}");
        if (!complete) return;
        var end = marker + EndOfData.Length - 2; // in the stream's own offsets
        Unless(left.AsSpan().SequenceEqual(stream.AsSpan(end)), $"left {FuzzInputs.Show(left)} after the end, expected {FuzzInputs.Show(stream.AsSpan(end))}");

        // The content: everything up to the CRLF before the final dot, lines unstuffed.
        var content = marker == 0 ? [] : stream[..marker];
        var lines = Split(content);
        var unstuffed = Join(lines.Select(l => l.Length > 0 && l[0] == '.' ? l[1..] : l).ToList());
        var expected = Violations(unstuffed, limits);
        if (bare == BareLineEndingHandling.Reject)
        {
            Unless(body.WrittenSpan.SequenceEqual(unstuffed), $"stored {FuzzInputs.Show(body.WrittenSpan)}, reference {FuzzInputs.Show(unstuffed)}");
            Unless(reader.Violations == expected, $"violations {reader.Violations}, reference {expected}: {FuzzInputs.Show(stream)}");
        }
        else
        {
            Unless(!HasBareLineEnding(body.WrittenSpan), $"normalized content still has a bare CR or LF: {FuzzInputs.Show(body.WrittenSpan)}");
            Unless((reader.Violations & DataViolations.BareLineEnding) == 0, "bare line ending reported while normalizing");
            Unless((reader.Violations & DataViolations.NulOctet) == (expected & DataViolations.NulOctet), "NUL misreported");
        }
    }

    /// <summary>
    /// BDAT: each chunk takes exactly its size, whatever it holds (an end-of-data marker, commands), the
    /// rest is left for the command reader, and the content policy reports what the reference says for
    /// the chunks joined, so a chunk boundary is never a line boundary.
    /// </summary>
    public static void Chunks(byte[] content, int[] chunkSizes, int[] cuts, BareLineEndingHandling bare)
    {
        var limits = SmtpLimits.Default with { BareLineEndings = bare };
        var sizes = ChunkSizes(content.Length, chunkSizes);
        var next = "QUIT\r\n"u8.ToArray();
        var stream = content.Concat(next).ToArray();
        var reader = new ChunkReader(limits);
        reader.Reset();
        var body = new ArrayBufferWriter<byte>();
        var chunk = 0;
        reader.BeginChunk(sizes[0], last: sizes.Count == 1);
        var (complete, left) = Feed(stream, cuts, (ref ReadOnlySequence<byte> buffer) =>
        {
            while (reader.TryReadChunk(ref buffer, body))
            {
                if (++chunk == sizes.Count) return true;
                reader.BeginChunk(sizes[chunk], last: chunk == sizes.Count - 1);
            }
            return false;
        });
        Unless(complete, $"chunks of {string.Join(",", sizes)} not complete over {content.Length} octets");
        Unless(left.AsSpan().SequenceEqual(next), $"left {FuzzInputs.Show(left)}, expected the next command");
        Unless(reader.MessageSize == content.Length, $"message size {reader.MessageSize} for {content.Length} octets");
        var expected = Violations(content, limits);
        if (bare == BareLineEndingHandling.Reject)
        {
            Unless(body.WrittenSpan.SequenceEqual(content), $"stored {FuzzInputs.Show(body.WrittenSpan)}, sent {FuzzInputs.Show(content)}");
            Unless(reader.Violations == expected, $"violations {reader.Violations}, reference {expected}: {FuzzInputs.Show(content)} in {string.Join(",", sizes)}");
        }
        else
        {
            Unless(!HasBareLineEnding(body.WrittenSpan), $"normalized chunks still have a bare CR or LF: {FuzzInputs.Show(body.WrittenSpan)}");
            Unless((reader.Violations & DataViolations.NulOctet) == (expected & DataViolations.NulOctet), "NUL misreported");
        }
    }

    /// <summary>Command lines: exactly the CRLF-ended lines of the stream, over-long ones reported, bare CR/LF reported, nothing buffered past the limit.</summary>
    public static void Lines(byte[] stream, int[] cuts, int maxLineLength)
    {
        var reader = new SmtpLineReader(maxLineLength);
        var seen = new List<(LineStatus, byte[])>();
        var kept = 0L;
        var (_, left) = Feed(stream, cuts, (ref ReadOnlySequence<byte> buffer) =>
        {
            LineStatus status;
            while ((status = reader.TryRead(ref buffer, out var line)) != LineStatus.NeedMoreData) seen.Add((status, line.ToArray()));
            kept = Math.Max(kept, buffer.Length);
            return false;
        });
        Unless(kept <= maxLineLength, $"{kept} octets kept unread with a line limit of {maxLineLength}");

        var expected = new List<(LineStatus, byte[])>();
        var rest = stream.AsSpan();
        int at;
        while ((at = rest.IndexOf("\r\n"u8)) >= 0)
        {
            var line = rest[..at];
            expected.Add(line.Length + 2 > maxLineLength ? (LineStatus.TooLong, [])
                : HasCrOrLf(line) ? (LineStatus.BareLineEnding, line.ToArray())
                : (LineStatus.Line, line.ToArray()));
            rest = rest[(at + 2)..];
        }
        Unless(seen.Count == expected.Count, $"{seen.Count} lines read, reference {expected.Count}: {FuzzInputs.Show(stream)}");
        for (var i = 0; i < seen.Count; i++)
        {
            Unless(seen[i].Item1 == expected[i].Item1 && (seen[i].Item1 == LineStatus.TooLong || seen[i].Item2.AsSpan().SequenceEqual(expected[i].Item2)),
                $"line {i}: {seen[i].Item1} {FuzzInputs.Show(seen[i].Item2)}, reference {expected[i].Item1} {FuzzInputs.Show(expected[i].Item2)}");
        }
        Unless(left.Length <= rest.Length, "more left unread than the unfinished line");
    }

    /// <summary>Replies: no exception, a verdict for every complete line, valid codes only, bounded lines.</summary>
    public static void Replies(byte[] stream, int[] cuts)
    {
        var limits = SmtpLimits.Default with { ReplyLineLength = 128, MaxReplyLines = 5 };
        var parser = new SmtpReplyParser(limits);
        Feed(stream, cuts, (ref ReadOnlySequence<byte> buffer) =>
        {
            ReplyStatus status;
            while ((status = parser.TryParse(ref buffer, out var reply)) != ReplyStatus.NeedMoreData)
            {
                if (status != ReplyStatus.Complete) continue; // the client closes; the parser is ready again
                Unless(reply is { Code: >= 200 and <= 599 } && SmtpReply.IsValidCode(reply.Code), $"reply with code {reply?.Code}");
                Unless(reply!.Lines.Count is >= 1 and <= 5, $"{reply.Lines.Count} lines in a reply");
            }
            return false;
        });
    }

    /// <summary>A well-formed reply reads back as written.</summary>
    public static void ReplyRoundTrip(int code, string[] lines)
    {
        var output = new ArrayBufferWriter<byte>();
        for (var i = 0; i < lines.Length; i++) SmtpReply.Write(output, code, null, lines[i], last: i == lines.Length - 1);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var status = new SmtpReplyParser(SmtpLimits.Default).TryParse(ref buffer, out var reply);
        Unless(status == ReplyStatus.Complete && reply!.Code == code && reply.Lines.Count == lines.Length && buffer.IsEmpty,
            $"{code} with {lines.Length} lines read back as {status} {reply}");
    }

    private delegate bool Reading(ref ReadOnlySequence<byte> buffer);

    /// <summary>Plays a pipe: segments arrive one by one, what the reader left is handed back in front of the next.</summary>
    private static (bool Complete, byte[] Left) Feed(byte[] stream, int[] cuts, Reading read)
    {
        var unconsumed = Array.Empty<byte>();
        var segments = FuzzInputs.Segments(stream, cuts);
        if (segments.Count == 0) segments.Add([]);
        for (var i = 0; i < segments.Count; i++)
        {
            var buffer = new ReadOnlySequence<byte>(unconsumed.Concat(segments[i]).ToArray());
            if (read(ref buffer))
            {
                var left = buffer.ToArray().Concat(segments.Skip(i + 1).SelectMany(s => s)).ToArray();
                return (true, left);
            }
            unconsumed = buffer.ToArray();
        }
        return (false, unconsumed);
    }

    private static List<int> ChunkSizes(int total, int[] wanted)
    {
        var sizes = new List<int>();
        var left = total;
        foreach (var size in wanted)
        {
            var take = Math.Min(size, left);
            sizes.Add(take);
            left -= take;
        }
        sizes.Add(left); // the LAST chunk takes the rest (may be 0: BDAT 0 LAST)
        return sizes;
    }

    /// <summary>The reference: what DATA (after unstuffing) and BDAT content are judged by, written plainly.</summary>
    private static DataViolations Violations(byte[] content, SmtpLimits limits)
    {
        var violations = DataViolations.None;
        if (HasBareLineEnding(content)) violations |= DataViolations.BareLineEnding;
        if (!limits.AllowNulInData && content.Contains((byte)0)) violations |= DataViolations.NulOctet;
        if (Split(content).Any(l => l.Length > limits.TextLineLength - 2)) violations |= DataViolations.LineTooLong;
        return violations;
    }

    private static bool HasBareLineEnding(ReadOnlySpan<byte> content) => Split(content.ToArray()).Any(l => HasCrOrLf(l));

    private static bool HasCrOrLf(ReadOnlySpan<byte> octets) => octets.IndexOfAny((byte)'\r', (byte)'\n') >= 0;

    /// <summary>Splits at CRLF only (leftmost first); the last piece is what follows the last CRLF.</summary>
    private static List<byte[]> Split(byte[] content)
    {
        var lines = new List<byte[]>();
        var rest = content.AsSpan();
        int at;
        while ((at = rest.IndexOf("\r\n"u8)) >= 0)
        {
            lines.Add(rest[..at].ToArray());
            rest = rest[(at + 2)..];
        }
        lines.Add(rest.ToArray());
        return lines;
    }

    private static byte[] Join(List<byte[]> lines)
    {
        var output = new List<byte>();
        for (var i = 0; i < lines.Count; i++)
        {
            output.AddRange(lines[i]);
            if (i < lines.Count - 1) output.AddRange("\r\n"u8.ToArray());
        }
        return output.ToArray();
    }
}
