using System.Buffers;
using ActorMta.Ingress.Sessions;

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
}
