using System.Buffers;
using ActorMta.Ingress.Sessions;
using ActorMta.Queue.Bodies;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Sessions;

public sealed class MessageBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(300_000)]
    public void What_is_written_comes_back_exactly(int length)
    {
        var octets = Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray();
        var buffer = new MessageBuffer();

        // Uneven pieces, so writes straddle segment boundaries.
        for (var offset = 0; offset < length; offset += 777) buffer.Write(octets.AsSpan(offset, Math.Min(777, length - offset)));

        Assert.Equal(length, buffer.Length);
        Assert.Equal(octets, buffer.ToArray());
    }

    [Fact]
    public void Clear_empties_it_for_the_next_message()
    {
        var buffer = new MessageBuffer();
        buffer.Write("first"u8);
        buffer.Clear();
        buffer.Write("second"u8);

        Assert.Equal("second"u8.ToArray(), buffer.ToArray());
    }

    [Fact]
    public void Advancing_past_what_was_reserved_is_refused()
    {
        var buffer = new MessageBuffer();
        var reserved = buffer.GetMemory(10).Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(reserved + 1));
    }

    [Theory]
    [InlineData(64 * 1024 + 1)]
    [InlineData(1_000_000)]
    [InlineData(3_333_333)]
    public async Task Past_the_threshold_a_message_goes_to_an_owner_only_spool_file_byte_exact(int length)
    {
        using var directory = new TempDirectory();
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        var octets = Enumerable.Range(0, length).Select(i => (byte)(i * 31 + i / 7)).ToArray();
        var buffer = new MessageBuffer(spool, spoolThreshold: 64 * 1024);

        for (var offset = 0; offset < length; offset += 1777) buffer.Write(octets.AsSpan(offset, Math.Min(1777, length - offset)));

        Assert.True(buffer.IsSpooled);
        Assert.Null(buffer.SpoolFailure);
        Assert.Equal(length, buffer.Length);
        Assert.Throws<InvalidOperationException>(() => buffer.ToArray());
        var spooled = await buffer.DetachSpool().CompleteAsync();
        buffer.Clear(); // the file is the spooled body's now: clearing the buffer leaves it
        Assert.Equal(length, spooled.Length);
        Assert.Equal(octets, await File.ReadAllBytesAsync(spooled.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spooled.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(spool.Directory));
        }

        // The buffer starts afresh, in memory, for the next message.
        buffer.Write("next"u8);
        Assert.False(buffer.IsSpooled);
        Assert.Equal("next"u8.ToArray(), buffer.ToArray());
        spooled.Delete();
        Assert.Empty(Directory.GetFiles(spool.Directory));
    }

    [Fact]
    public void Up_to_the_threshold_a_message_stays_in_memory()
    {
        using var directory = new TempDirectory();
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        var buffer = new MessageBuffer(spool, spoolThreshold: 64 * 1024);
        buffer.Write(new byte[64 * 1024]);
        Assert.False(buffer.IsSpooled);
        Assert.False(Directory.Exists(spool.Directory) && Directory.GetFiles(spool.Directory).Length > 0);
    }

    [Fact]
    public void A_message_cut_short_leaves_no_spool_file()
    {
        using var directory = new TempDirectory();
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        var buffer = new MessageBuffer(spool, spoolThreshold: 4096);
        buffer.Write(new byte[100_000]);
        Assert.Single(Directory.GetFiles(spool.Directory));

        buffer.Clear();

        Assert.Empty(Directory.GetFiles(spool.Directory));
    }

    [Fact]
    public void A_spool_that_cannot_be_written_drops_the_rest_and_says_why()
    {
        using var directory = new TempDirectory();
        // A file where the spool directory should be: creating the spool file fails as on a full or read-only disk.
        var blocked = Path.Combine(directory.Path, "spool");
        File.WriteAllText(blocked, "not a directory");
        var buffer = new MessageBuffer(new BodySpool(blocked), spoolThreshold: 4096);

        buffer.Write(new byte[300_000]);

        Assert.True(buffer.IsSpooled);
        Assert.NotNull(buffer.SpoolFailure);
        Assert.Equal(300_000, buffer.Length);
        buffer.Clear();
        Assert.Null(buffer.SpoolFailure);
    }

    [Fact]
    public void Received_fields_are_counted_across_pieces_and_past_the_threshold()
    {
        using var directory = new TempDirectory();
        var buffer = new MessageBuffer(new BodySpool(Path.Combine(directory.Path, "spool")), spoolThreshold: 4096);
        buffer.Write("Received: by this node\r\n"u8);
        buffer.CountHopsFromHere();
        var header = string.Concat(Enumerable.Repeat("Received: from a\r\n\tby b\r\n", 500)) + "Subject: x\r\n\r\nReceived: in the body\r\n";
        foreach (var piece in System.Text.Encoding.ASCII.GetBytes(header).Chunk(13)) buffer.Write(piece);
        Assert.True(buffer.IsSpooled);
        Assert.Equal(500, buffer.Hops);
        buffer.Clear();
    }
}
