using System.Buffers;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// Where a message's octets gather while they arrive: segments rented from the shared pool (4 KiB
/// first, growing to 64 KiB), so an idle session holds nothing and a large message is never
/// copied to grow. <see cref="ToArray"/> makes the one exact-size copy the queue keeps.
/// </summary>
public sealed class MessageBuffer : IBufferWriter<byte>
{
    private const int FirstSegment = 4 * 1024;
    private const int LargestSegment = 64 * 1024;
    private readonly List<Segment> _segments = [];

    private sealed class Segment(byte[] array)
    {
        public byte[] Array { get; } = array;
        public int Used { get; set; }
        public int Free => Array.Length - Used;
    }

    public long Length { get; private set; }

    public void Advance(int count)
    {
        if (count < 0 || _segments.Count == 0 || count > _segments[^1].Free)
            throw new ArgumentOutOfRangeException(nameof(count));
        _segments[^1].Used += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var segment = Reserve(sizeHint);
        return segment.Array.AsMemory(segment.Used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var segment = Reserve(sizeHint);
        return segment.Array.AsSpan(segment.Used);
    }

    public byte[] ToArray()
    {
        var copy = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var written = 0;
        foreach (var segment in _segments)
        {
            segment.Array.AsSpan(0, segment.Used).CopyTo(copy.AsSpan(written));
            written += segment.Used;
        }
        return copy;
    }

    /// <summary>Gives every segment back to the pool.</summary>
    public void Clear()
    {
        foreach (var segment in _segments) ArrayPool<byte>.Shared.Return(segment.Array);
        _segments.Clear();
        Length = 0;
    }

    private Segment Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_segments.Count > 0 && _segments[^1].Free >= sizeHint) return _segments[^1];
        var size = Math.Max(sizeHint, Math.Min(LargestSegment, FirstSegment << Math.Min(_segments.Count, 4)));
        _segments.Add(new Segment(ArrayPool<byte>.Shared.Rent(size)));
        return _segments[^1];
    }
}
