using System.Buffers;
using ActorMta.Ingress.Trace;
using ActorMta.Queue.Bodies;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// Where a message's octets gather while they arrive: segments rented from the shared pool (4 KiB
/// first, growing to 64 KiB), so an idle session holds nothing and a large message is never
/// copied to grow. <see cref="ToArray"/> makes the one exact-size copy the queue keeps.
///
/// Past the spool threshold the octets go on to a file in the spool (<see cref="BodySpool"/>)
/// through one 64 KiB segment instead, so a session never holds more than the threshold however
/// large the message: <see cref="DetachSpool"/> then hands the file over. If the file cannot be
/// written (a full disk), the rest of the message is read and dropped and
/// <see cref="SpoolFailure"/> says why, so the client still gets a reply at the end.
///
/// The header fields named when counting began (the egress pool header) are left out where the octets are copied
/// anyway: by <see cref="ToArray"/>'s one copy; a spooled message (past the threshold) is copied once more, only when
/// it has such a field.
/// </summary>
public sealed class MessageBuffer(BodySpool? spool = null, long spoolThreshold = long.MaxValue) : IBufferWriter<byte>
{
    private const int FirstSegment = 4 * 1024;
    private const int LargestSegment = 64 * 1024;
    private readonly List<Segment> _segments = [];
    private readonly HopCounter _hops = new();
    private bool _countingHops;
    private long _scanFrom;
    private FileStream? _file;
    private string? _path;

    private sealed class Segment(byte[] array)
    {
        public byte[] Array { get; } = array;
        public int Used { get; set; }
        public int Free => Array.Length - Used;
    }

    public long Length { get; private set; }

    /// <summary>Whether the octets go to a spool file (the message passed the threshold).</summary>
    public bool IsSpooled => _path is not null || SpoolFailure is not null;

    /// <summary>Why the spool file could not be written; the octets since are dropped.</summary>
    public string? SpoolFailure { get; private set; }

    /// <summary>Received fields in the header section of what arrived since <see cref="CountHopsFromHere"/>.</summary>
    public int Hops => _hops.Count;

    /// <summary>Counts Received fields from the next octet on (after the trace header this node wrote itself).</summary>
    /// <param name="removeField">A header field to find there and leave out of the message (its values: <see cref="RemovedFieldValues"/>).</param>
    public void CountHopsFromHere(string? removeField = null)
    {
        _hops.Reset();
        _hops.FindField = removeField;
        _scanFrom = Length;
        _countingHops = true;
    }

    /// <summary>The values of the fields being left out, once the message is complete.</summary>
    public IReadOnlyList<string> RemovedFieldValues()
    {
        _hops.Finish();
        return _hops.Values;
    }

    /// <summary>Where the left-out fields lie in the whole message (end exclusive), once it is complete.</summary>
    private IReadOnlyList<(long Start, long End)> Removed()
    {
        _hops.Finish();
        return [.. _hops.Found.Select(f => (f.Start + _scanFrom, f.End + _scanFrom))];
    }

    public void Advance(int count)
    {
        if (count < 0 || _segments.Count == 0 || count > _segments[^1].Free)
            throw new ArgumentOutOfRangeException(nameof(count));
        var segment = _segments[^1];
        if (_countingHops) _hops.Feed(segment.Array.AsSpan(segment.Used, count));
        segment.Used += count;
        Length += count;
        if (!IsSpooled && spool is not null && Length > spoolThreshold) Spill(spool);
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

    /// <summary>The message in one exact-size array, without the left-out fields.</summary>
    public byte[] ToArray()
    {
        if (IsSpooled) throw new InvalidOperationException("the message is in a spool file");
        var removed = Removed();
        var copy = GC.AllocateUninitializedArray<byte>(checked((int)(Length - removed.Sum(r => r.End - r.Start))));
        var (written, offset) = (0, 0L);
        foreach (var segment in _segments)
        {
            written += CopyKept(segment.Array.AsSpan(0, segment.Used), offset, removed, copy.AsSpan(written));
            offset += segment.Used;
        }
        return copy;
    }

    /// <summary>Copies the octets of <paramref name="part"/> (at <paramref name="offset"/> in the message) outside <paramref name="removed"/>.</summary>
    internal static int CopyKept(ReadOnlySpan<byte> part, long offset, IReadOnlyList<(long Start, long End)> removed, Span<byte> to)
    {
        var written = 0;
        var position = 0;
        foreach (var (start, end) in removed)
        {
            var from = (int)Math.Clamp(start - offset, 0, part.Length);
            var until = (int)Math.Clamp(end - offset, 0, part.Length);
            if (from > position)
            {
                part[position..from].CopyTo(to[written..]);
                written += from - position;
            }
            position = Math.Max(position, until);
        }
        part[position..].CopyTo(to[written..]);
        return written + part.Length - position;
    }

    /// <summary>
    /// Hands the spool file over (with the octets not yet written to it) and starts afresh. Called
    /// on the session's thread; the returned <see cref="PendingSpool.CompleteAsync"/> does the
    /// file I/O elsewhere.
    /// </summary>
    public PendingSpool DetachSpool()
    {
        if (_file is null || _path is null) throw new InvalidOperationException("the message is not in a spool file");
        var pending = new PendingSpool(_file, _path, Length, [.. _segments.Select(s => (s.Array, s.Used))], Removed());
        _segments.Clear();
        _file = null;
        _path = null;
        Length = 0;
        _countingHops = false;
        return pending;
    }

    /// <summary>Gives every segment back to the pool and deletes the spool file, if any.</summary>
    public void Clear()
    {
        foreach (var segment in _segments) ArrayPool<byte>.Shared.Return(segment.Array);
        _segments.Clear();
        Length = 0;
        _countingHops = false;
        _hops.Reset();
        SpoolFailure = null;
        if (_path is not null)
        {
            _file?.Dispose();
            new SpooledBody(_path, 0).Delete();
        }
        _file = null;
        _path = null;
    }

    /// <summary>From here on the octets go to a file: what is held so far first.</summary>
    private void Spill(BodySpool spool)
    {
        try
        {
            _file = spool.Create(out var path);
            _path = path;
            foreach (var segment in _segments) _file.Write(segment.Array, 0, segment.Used);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
        // Keep one segment (the last, most likely the largest) to carry on with.
        for (var i = 0; i < _segments.Count - 1; i++) ArrayPool<byte>.Shared.Return(_segments[i].Array);
        _segments.RemoveRange(0, _segments.Count - 1);
        _segments[0].Used = 0;
    }

    private void Fail(Exception e)
    {
        SpoolFailure = e.Message;
        _file?.Dispose();
        _file = null;
        if (_path is not null) new SpooledBody(_path, 0).Delete();
        _path = null;
    }

    private Segment Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_segments.Count > 0 && _segments[^1].Free >= sizeHint) return _segments[^1];
        if (IsSpooled && _segments.Count > 0)
        {
            // The spooled message's one segment is full: to the file with it, and reuse it.
            var segment = _segments[^1];
            try
            {
                _file?.Write(segment.Array, 0, segment.Used);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
            }
            segment.Used = 0;
            if (segment.Free >= sizeHint) return segment;
            ArrayPool<byte>.Shared.Return(segment.Array);
            _segments.Clear();
        }
        var size = Math.Max(sizeHint, IsSpooled ? LargestSegment : Math.Min(LargestSegment, FirstSegment << Math.Min(_segments.Count, 4)));
        _segments.Add(new Segment(ArrayPool<byte>.Shared.Rent(size)));
        return _segments[^1];
    }
}
