using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// Reads BDAT chunks (RFC 3030): exactly the announced number of octets, taken as they are
/// (no dot-unstuffing, no end marker), across any number of buffers. Counts the message size over
/// all chunks of a transaction and stores no more than <see cref="SmtpLimits.MaxMessageSize"/>.
/// </summary>
/// <remarks>
/// A refused BDAT still has its octets on the wire: <see cref="BeginSkip"/> reads and drops them so
/// the next command is found where the client put it. Use: <see cref="Reset"/> at MAIL; per BDAT,
/// <see cref="BeginChunk"/> or <see cref="BeginSkip"/>, then <see cref="TryReadChunk"/> until true.
/// A session that wants to refuse an over-size chunk at once compares <see cref="MessageSize"/>
/// plus the chunk size with the limit, answers after skipping it, and keeps the transaction.
/// </remarks>
public sealed class ChunkReader
{
    private readonly SmtpLimits _limits;
    private MessageSizeLimit _size;
    private bool _storing;

    public ChunkReader(SmtpLimits limits)
    {
        _limits = limits;
        _size = new MessageSizeLimit(limits.MaxMessageSize);
    }

    /// <summary>Octets of the current chunk still to read.</summary>
    public long Remaining { get; private set; }

    /// <summary>Message size so far: all accepted chunks of this transaction, counted even past the limit.</summary>
    public long MessageSize => _size.MessageSize;

    /// <summary>Octets written to the body writer in this transaction.</summary>
    public long StoredSize => _size.StoredSize;

    /// <summary><see cref="DataViolations.TooBig"/> once the chunks pass the size limit.</summary>
    public DataViolations Violations => _size.IsExceeded ? DataViolations.TooBig : DataViolations.None;

    /// <summary>Starts a new transaction.</summary>
    public void Reset()
    {
        Remaining = 0;
        _size = new MessageSizeLimit(_limits.MaxMessageSize);
    }

    /// <summary>Starts reading an accepted chunk of <paramref name="size"/> octets into the message.</summary>
    public void BeginChunk(long size) => Begin(size, storing: true);

    /// <summary>Starts dropping a refused chunk of <paramref name="size"/> octets.</summary>
    public void BeginSkip(long size) => Begin(size, storing: false);

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
            foreach (var segment in buffer.Slice(0, take)) body.Write(_size.Admit(segment.Span));
        }
        buffer = buffer.Slice(take);
        Remaining -= take;
        return Remaining == 0;
    }

    private void Begin(long size, bool storing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Remaining = size;
        _storing = storing;
    }
}
