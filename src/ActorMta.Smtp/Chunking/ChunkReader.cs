using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// Reads BDAT chunks (RFC 3030): exactly the announced number of octets, taken as they are
/// (no dot-unstuffing, no end marker), across any number of buffers. Counts the message size over
/// all chunks of a transaction and stops storing once it passes <see cref="SmtpLimits.MaxMessageSize"/>.
/// </summary>
/// <remarks>
/// A refused BDAT still has its octets on the wire: <see cref="BeginSkip"/> reads and drops them so
/// the next command is found where the client put it. Use: <see cref="Reset"/> at MAIL; per BDAT,
/// <see cref="BeginChunk"/> or <see cref="BeginSkip"/>, then <see cref="TryReadChunk"/> until true.
/// </remarks>
public sealed class ChunkReader
{
    private readonly SmtpLimits _limits;
    private bool _storing;

    public ChunkReader(SmtpLimits limits)
    {
        _limits = limits;
    }

    /// <summary>Octets of the current chunk still to read.</summary>
    public long Remaining { get; private set; }

    /// <summary>Message size so far: all accepted chunks of this transaction, counted even past the limit.</summary>
    public long MessageSize { get; private set; }

    /// <summary>Octets written to the body writer in this transaction.</summary>
    public long StoredSize { get; private set; }

    /// <summary><see cref="DataViolations.TooBig"/> once the chunks pass the size limit.</summary>
    public DataViolations Violations { get; private set; }

    /// <summary>Starts a new transaction.</summary>
    public void Reset()
    {
        Remaining = MessageSize = StoredSize = 0;
        Violations = DataViolations.None;
    }

    /// <summary>Starts reading an accepted chunk of <paramref name="size"/> octets into the message.</summary>
    public void BeginChunk(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Remaining = size;
        MessageSize += size;
        if (MessageSize > _limits.MaxMessageSize) Violations |= DataViolations.TooBig;
        _storing = Violations == DataViolations.None;
    }

    /// <summary>Starts dropping a refused chunk of <paramref name="size"/> octets.</summary>
    public void BeginSkip(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Remaining = size;
        _storing = false;
    }

    /// <summary>
    /// Takes up to <see cref="Remaining"/> octets off <paramref name="buffer"/>; returns true when the
    /// chunk is complete. <paramref name="body"/> may be null while skipping.
    /// </summary>
    public bool TryReadChunk(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte>? body)
    {
        var take = Math.Min(Remaining, buffer.Length);
        if (_storing)
        {
            ArgumentNullException.ThrowIfNull(body);
            foreach (var segment in buffer.Slice(0, take)) body.Write(segment.Span);
            StoredSize += take;
        }
        buffer = buffer.Slice(take);
        Remaining -= take;
        return Remaining == 0;
    }
}
