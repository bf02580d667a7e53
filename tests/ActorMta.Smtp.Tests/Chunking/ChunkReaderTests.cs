using System.Buffers;
using System.Text;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Chunking;

public class ChunkReaderTests
{
    private sealed record ChunkOutcome(string Body, string Left, long MessageSize, long StoredSize, DataViolations Violations);

    /// <summary>Runs a BDAT transaction: each (size, skip) chunk is read from the arriving input in turn.</summary>
    private static ChunkOutcome Read(SmtpLimits limits, (long Size, bool Skip)[] chunks, IEnumerable<byte[]> arrivals, bool binary = false)
    {
        var reader = new ChunkReader(limits);
        reader.Reset(binary);
        var body = new ArrayBufferWriter<byte>();
        var input = new ChunkedInput();
        var next = 0;
        var left = new List<byte>();
        Begin();
        foreach (var arrival in arrivals)
        {
            var buffer = input.Arrive(arrival);
            while (next < chunks.Length && reader.TryReadChunk(ref buffer, chunks[next].Skip ? null : body))
            {
                next++;
                Begin();
            }
            input.Leave(buffer);
        }
        left.AddRange(input.Unconsumed);
        Assert.Equal(chunks.Length, next);
        return new ChunkOutcome(Wire.Show(body.WrittenSpan), Wire.Show(left.ToArray()), reader.MessageSize, reader.StoredSize, reader.Violations);

        void Begin()
        {
            if (next >= chunks.Length) return;
            if (chunks[next].Skip) reader.BeginSkip(chunks[next].Size);
            else reader.BeginChunk(chunks[next].Size, last: next == chunks.Length - 1);
        }
    }

    private static ChunkOutcome ReadEveryWay(SmtpLimits limits, (long, bool)[] chunks, string wire, bool binary = false)
    {
        var octets = Wire.Octets(wire);
        var whole = Read(limits, chunks, [octets], binary);
        foreach (var split in Wire.EverySplit(octets)) Assert.Equal(whole, Read(limits, chunks, split, binary));
        Assert.Equal(whole, Read(limits, chunks, Wire.Chunks(octets, 1), binary));
        return whole;
    }

    [Fact]
    public void A_chunk_is_exactly_its_size_taken_verbatim()
    {
        // No dot-unstuffing and no end marker: "\r\n.\r\n" and bare LFs are just octets here, reported as DATA reports them.
        var outcome = ReadEveryWay(SmtpLimits.Default, [(13, false)], "a\r\n.\r\n..b\nc\r\0\r\nRSET\r\n");
        Assert.Equal(new ChunkOutcome("a\r\n.\r\n..b\nc\r\0", "\r\nRSET\r\n", 13, 13, DataViolations.BareLineEnding | DataViolations.NulOctet), outcome);
    }

    [Fact]
    public void A_binarymime_chunk_is_taken_verbatim_without_the_text_policy()
    {
        var outcome = ReadEveryWay(SmtpLimits.Default, [(13, false)], "a\r\n.\r\n..b\nc\r\0\r\nRSET\r\n", binary: true);
        Assert.Equal(new ChunkOutcome("a\r\n.\r\n..b\nc\r\0", "\r\nRSET\r\n", 13, 13, DataViolations.None), outcome);
    }

    [Theory]
    [InlineData("ab\r", "\ncd", "ab\r\ncd", DataViolations.None)] // CRLF across the chunk boundary: one line end
    [InlineData("ab\r", "cd", "ab\rcd", DataViolations.BareLineEnding)]
    [InlineData("ab", "cd\r", "abcd\r", DataViolations.BareLineEnding)] // a CR ending the LAST chunk has no LF to come
    public void Line_endings_are_judged_across_chunk_boundaries(string first, string last, string body, DataViolations violations)
    {
        var outcome = ReadEveryWay(SmtpLimits.Default, [(first.Length, false), (last.Length, false)], first + last + "QUIT\r\n");
        Assert.Equal(new ChunkOutcome(body, "QUIT\r\n", body.Length, body.Length, violations), outcome);
    }

    [Fact]
    public void Normalizing_stores_CRLF_for_bare_line_endings_in_chunks()
    {
        var limits = SmtpLimits.Default with { BareLineEndings = BareLineEndingHandling.Normalize };
        var outcome = ReadEveryWay(limits, [(4, false), (3, false)], "a\nb\rc\r\r");
        Assert.Equal(new ChunkOutcome("a\r\nb\r\nc\r\n\r\n", "", 7, 11, DataViolations.None), outcome);
    }

    [Fact]
    public void Several_chunks_make_one_message_and_BDAT_0_LAST_adds_nothing()
    {
        var outcome = ReadEveryWay(SmtpLimits.Default, [(6, false), (5, false), (0, false)], "Hello world\r\nQUIT\r\n");
        Assert.Equal(new ChunkOutcome("Hello world", "\r\nQUIT\r\n", 11, 11, DataViolations.None), outcome);
    }

    [Fact]
    public void A_refused_chunk_is_skipped_so_the_next_command_is_found()
    {
        var outcome = ReadEveryWay(SmtpLimits.Default, [(4, true), (3, false)], "XXXXabcRSET\r\n");
        Assert.Equal(new ChunkOutcome("abc", "RSET\r\n", 3, 3, DataViolations.None), outcome);
    }

    [Fact]
    public void Chunks_past_the_size_limit_are_consumed_but_stored_only_up_to_the_limit()
    {
        var outcome = ReadEveryWay(new SmtpLimits { MaxMessageSize = 8 }, [(5, false), (5, false), (2, false)], "12345678901$NEXT");
        Assert.Equal(new ChunkOutcome("12345678", "NEXT", 12, 8, DataViolations.TooBig), outcome);
        Assert.Equal(SmtpReplies.MessageTooBig, outcome.Violations.ToRejectionReply());
    }

    [Fact]
    public void A_message_of_exactly_the_limit_fits()
    {
        var outcome = ReadEveryWay(new SmtpLimits { MaxMessageSize = 8 }, [(5, false), (3, false)], "12345678");
        Assert.Equal(new ChunkOutcome("12345678", "", 8, 8, DataViolations.None), outcome);
    }

    [Fact]
    public void Reset_starts_a_new_transaction()
    {
        var reader = new ChunkReader(new SmtpLimits { MaxMessageSize = 4 });
        reader.BeginChunk(10);
        var tooBig = new ReadOnlySequence<byte>("0123456789"u8.ToArray());
        Assert.True(reader.TryReadChunk(ref tooBig, new ArrayBufferWriter<byte>()));
        Assert.Equal(DataViolations.TooBig, reader.Violations);
        reader.Reset();
        Assert.Equal((0L, 0L, 0L, DataViolations.None), (reader.Remaining, reader.MessageSize, reader.StoredSize, reader.Violations));

        reader.BeginChunk(3);
        var buffer = new ReadOnlySequence<byte>("abc"u8.ToArray());
        var body = new ArrayBufferWriter<byte>();
        Assert.True(reader.TryReadChunk(ref buffer, body));
        Assert.Equal("abc", Encoding.ASCII.GetString(body.WrittenSpan));
    }

    [Fact]
    public void Storing_needs_a_body_writer_and_sizes_are_not_negative()
    {
        var reader = new ChunkReader(SmtpLimits.Default);
        reader.BeginChunk(3);
        var buffer = new ReadOnlySequence<byte>("abc"u8.ToArray());
        Assert.Throws<ArgumentNullException>(() => reader.TryReadChunk(ref buffer, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.BeginChunk(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.BeginSkip(-1));
    }
}
