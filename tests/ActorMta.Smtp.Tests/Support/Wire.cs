using System.Buffers;
using System.Text;

namespace ActorMta.Smtp.Tests.Support;

/// <summary>Byte arrays and sequences as they come off a socket.</summary>
internal static class Wire
{
    /// <summary>Each char 0-255 becomes one octet, so "\0" and "\xFF" mean what they say.</summary>
    public static byte[] Octets(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Shows octets readably in assertion messages.</summary>
    public static string Show(ReadOnlySpan<byte> octets) => Encoding.Latin1.GetString(octets);

    public static string Show(ReadOnlySequence<byte> octets) => Encoding.Latin1.GetString(octets.ToArray());

    /// <summary>A sequence made of the given segments, as a pipe hands them out.</summary>
    public static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var part in nonEmpty.Skip(1)) last = last.Append(part);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="octets"/> into chunks of <paramref name="size"/> octets.</summary>
    public static IEnumerable<byte[]> Chunks(byte[] octets, int size)
    {
        for (var i = 0; i < octets.Length; i += size) yield return octets[i..Math.Min(i + size, octets.Length)];
    }

    /// <summary>Every way to cut <paramref name="octets"/> in two.</summary>
    public static IEnumerable<byte[][]> EverySplit(byte[] octets)
    {
        for (var i = 0; i <= octets.Length; i++) yield return [octets[..i], octets[i..]];
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>
/// Plays a pipe: chunks arrive one by one; what the reader left unconsumed is handed back in front
/// of the next chunk, as a separate segment, the way PipeReader does after AdvanceTo(consumed, examined).
/// </summary>
internal sealed class ChunkedInput
{
    private byte[] _unconsumed = [];

    public long MaxUnconsumed { get; private set; }

    /// <summary>The buffer a reader sees after <paramref name="chunk"/> arrived.</summary>
    public ReadOnlySequence<byte> Arrive(byte[] chunk) => Wire.Segments(_unconsumed, chunk);

    /// <summary>Keeps what the reader did not consume for the next call.</summary>
    public void Leave(ReadOnlySequence<byte> rest)
    {
        _unconsumed = rest.ToArray();
        MaxUnconsumed = Math.Max(MaxUnconsumed, _unconsumed.Length);
    }

    public byte[] Unconsumed => _unconsumed;
}
