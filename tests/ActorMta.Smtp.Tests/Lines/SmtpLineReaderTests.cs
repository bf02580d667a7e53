using System.Buffers;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Lines;

public class SmtpLineReaderTests
{
    private sealed record Outcome(LineStatus Status, string Line);

    /// <summary>Reads every line the input holds, feeding it in the given chunks like a pipe.</summary>
    private static List<Outcome> ReadAll(SmtpLineReader reader, IEnumerable<byte[]> chunks, ChunkedInput? input = null)
    {
        input ??= new ChunkedInput();
        var outcomes = new List<Outcome>();
        foreach (var chunk in chunks)
        {
            var buffer = input.Arrive(chunk);
            LineStatus status;
            while ((status = reader.TryRead(ref buffer, out var line)) != LineStatus.NeedMoreData)
            {
                outcomes.Add(new Outcome(status, Wire.Show(line)));
            }
            input.Leave(buffer);
        }
        return outcomes;
    }

    private static List<Outcome> ReadAll(string text, int max = 512) => ReadAll(new SmtpLineReader(max), [Wire.Octets(text)]);

    [Fact]
    public void Reads_a_line_and_leaves_the_rest_of_the_buffer()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Octets("EHLO client.example\r\nMAIL"));
        var reader = new SmtpLineReader(512);

        Assert.Equal(LineStatus.Line, reader.TryRead(ref buffer, out var line));
        Assert.Equal("EHLO client.example", Wire.Show(line));
        Assert.Equal("MAIL", Wire.Show(buffer));
        Assert.Equal(LineStatus.NeedMoreData, reader.TryRead(ref buffer, out _));
        Assert.Equal("MAIL", Wire.Show(buffer)); // an incomplete line is not consumed
    }

    [Fact]
    public void Reads_pipelined_lines_one_by_one()
    {
        Assert.Equal(
            [new(LineStatus.Line, "MAIL FROM:<a@b.example>"), new(LineStatus.Line, "RCPT TO:<c@d.example>"), new(LineStatus.Line, "DATA")],
            ReadAll("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"));
    }

    [Fact]
    public void An_empty_line_is_a_line()
    {
        Assert.Equal([new(LineStatus.Line, "")], ReadAll("\r\n"));
    }

    [Theory]
    [InlineData("QUIT\n")]
    [InlineData("QUIT\r")]
    [InlineData("QUIT\n\r")]
    [InlineData("QUIT\r\r")]
    public void A_bare_line_ending_never_ends_a_line(string text)
    {
        Assert.Empty(ReadAll(text));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\r\n", "MAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>")]
    [InlineData("MAIL FROM:<a@b.example>\rRCPT TO:<c@d.example>\r\n", "MAIL FROM:<a@b.example>\rRCPT TO:<c@d.example>")]
    [InlineData("NOOP\r\r\n", "NOOP\r")]
    [InlineData("\nNOOP\r\n", "\nNOOP")]
    public void A_line_with_a_bare_CR_or_LF_is_reported_whole_and_the_next_line_is_in_step(string text, string expected)
    {
        Assert.Equal(
            [new(LineStatus.BareLineEnding, expected), new(LineStatus.Line, "QUIT")],
            ReadAll(text + "QUIT\r\n"));
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted_and_one_more_octet_is_too_long()
    {
        var atLimit = new string('x', 510) + "\r\n";
        var overLimit = new string('x', 511) + "\r\n";

        Assert.Equal([new(LineStatus.Line, new string('x', 510))], ReadAll(atLimit));
        Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "NOOP")], ReadAll(overLimit + "NOOP\r\n"));
    }

    [Fact]
    public void An_endless_line_is_discarded_as_it_arrives_and_reported_once_at_its_CRLF()
    {
        var reader = new SmtpLineReader(512);
        var input = new ChunkedInput();
        var chunks = Enumerable.Repeat(Wire.Octets(new string('A', 99) + "\r"), 1000) // 100 kB, CRs but no CRLF
            .Append(Wire.Octets("\nNOOP\r\n"));

        var outcomes = ReadAll(reader, chunks, input);

        Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "NOOP")], outcomes);
        Assert.True(input.MaxUnconsumed < 512 + 100, $"held {input.MaxUnconsumed} octets");
        Assert.False(reader.IsDiscarding);
    }

    [Fact]
    public void Discarding_keeps_a_trailing_CR_so_a_CRLF_split_across_reads_is_found()
    {
        var reader = new SmtpLineReader(16);
        var outcomes = ReadAll(reader, [Wire.Octets(new string('y', 40) + "\r"), Wire.Octets("\nQUIT\r\n")]);
        Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "QUIT")], outcomes);
    }

    [Fact]
    public void Discarding_does_not_take_a_bare_LF_for_the_end()
    {
        var reader = new SmtpLineReader(16);
        var outcomes = ReadAll(reader, [Wire.Octets(new string('y', 40)), Wire.Octets("\nMAIL FROM:<x@y>\r\nQUIT\r\n")]);
        Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "QUIT")], outcomes);
    }

    [Fact]
    public void Every_split_point_gives_the_same_lines()
    {
        var text = Wire.Octets("EHLO a.example\r\nMAIL FROM:<a@b.example> SIZE=10\r\nBAD\nLINE\r\nQUIT\r\n");
        var whole = ReadAll(new SmtpLineReader(512), [text]);
        Assert.Equal(4, whole.Count);

        foreach (var split in Wire.EverySplit(text))
        {
            Assert.Equal(whole, ReadAll(new SmtpLineReader(512), split));
            Assert.Equal(whole, ReadBuffer(new SmtpLineReader(512), Wire.Segments(split)));
        }
        Assert.Equal(whole, ReadAll(new SmtpLineReader(512), Wire.Chunks(text, 1)));
    }

    [Fact]
    public void Every_split_point_of_an_over_long_line_gives_the_same_outcome()
    {
        var text = Wire.Octets(new string('z', 30) + "\r\nNOOP\r\n");
        foreach (var split in Wire.EverySplit(text))
        {
            Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "NOOP")], ReadAll(new SmtpLineReader(20), split));
        }
        Assert.Equal([new(LineStatus.TooLong, ""), new(LineStatus.Line, "NOOP")], ReadAll(new SmtpLineReader(20), Wire.Chunks(text, 1)));
    }

    [Fact]
    public void A_line_across_segments_is_joined()
    {
        var buffer = Wire.Segments(Wire.Octets("RCPT TO:<"), Wire.Octets("c@d"), Wire.Octets(".example>\r"), Wire.Octets("\nDATA\r\n"));
        var reader = new SmtpLineReader(512);

        Assert.Equal(LineStatus.Line, reader.TryRead(ref buffer, out var line));
        Assert.Equal("RCPT TO:<c@d.example>", Wire.Show(line));
        Assert.Equal(LineStatus.Line, reader.TryRead(ref buffer, out line));
        Assert.Equal("DATA", Wire.Show(line));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void The_limit_can_be_raised_for_SASL_responses()
    {
        var reader = new SmtpLineReader(512) { MaxLineLength = 12288 };
        var response = new string('Q', 12286);
        Assert.Equal([new(LineStatus.Line, response)], ReadAll(reader, [Wire.Octets(response + "\r\n")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpLineReader(2));
    }

    [Fact]
    public void Reset_forgets_a_half_discarded_line()
    {
        var reader = new SmtpLineReader(16);
        var buffer = new ReadOnlySequence<byte>(Wire.Octets(new string('q', 20)));
        Assert.Equal(LineStatus.NeedMoreData, reader.TryRead(ref buffer, out _));
        Assert.True(reader.IsDiscarding);

        reader.Reset();
        buffer = new ReadOnlySequence<byte>(Wire.Octets("EHLO x\r\n"));
        Assert.Equal(LineStatus.Line, reader.TryRead(ref buffer, out var line));
        Assert.Equal("EHLO x", Wire.Show(line));
    }

    /// <summary>Reads every line of one buffer that may have several segments.</summary>
    private static List<Outcome> ReadBuffer(SmtpLineReader reader, ReadOnlySequence<byte> buffer)
    {
        var outcomes = new List<Outcome>();
        LineStatus status;
        while ((status = reader.TryRead(ref buffer, out var line)) != LineStatus.NeedMoreData)
        {
            outcomes.Add(new Outcome(status, Wire.Show(line)));
        }
        return outcomes;
    }
}
