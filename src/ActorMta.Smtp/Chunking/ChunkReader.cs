using System.Buffers;

namespace ActorMta.Smtp;

/// <summary>
/// Reads BDAT chunks (RFC 3030): exactly the announced number of octets, across any number of
/// buffers, with no dot-unstuffing and no end marker: nothing inside a chunk can end it early or be
/// read as a command. Counts the message size over all chunks of a transaction and stores no more
/// than <see cref="SmtpLimits.MaxMessageSize"/>. The content meets the same text policy as DATA's
/// (<see cref="TextContent"/>: bare CR/LF, NUL, line length), across chunk boundaries, unless the
/// transaction is BODY=BINARYMIME.
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
    private TextContent _text;
    private MessageSizeLimit _binarySize;
    private bool _binary;
    private bool _storing;
    private bool _last;

    public ChunkReader(SmtpLimits limits)
    {
        _limits = limits;
        Reset();
    }

    /// <summary>Octets of the current chunk still to read.</summary>
    public long Remaining { get; private set; }

    /// <summary>Message size so far: the octets of all accepted chunks of this transaction, counted even past the limit.</summary>
    public long MessageSize { get; private set; }

    /// <summary>Octets written to the body writer in this transaction.</summary>
    public long StoredSize => _binary ? _binarySize.StoredSize : _text.StoredSize;

    /// <summary>What is wrong with the content so far (final once the LAST chunk is read), as DATA reports it.</summary>
    public DataViolations Violations => _binary
        ? (_binarySize.IsExceeded ? DataViolations.TooBig : DataViolations.None)
        : _text.Violations;

    /// <summary>Starts a new transaction; <paramref name="binary"/> (BODY=BINARYMIME) takes octets without the text policy.</summary>
    public void Reset(bool binary = false)
    {
        Remaining = 0;
        MessageSize = 0;
        _binary = binary;
        _text = new TextContent(_limits);
        _binarySize = new MessageSizeLimit(_limits.MaxMessageSize);
    }

    /// <summary>Starts reading an accepted chunk of <paramref name="size"/> octets into the message; <paramref name="last"/> for BDAT ... LAST.</summary>
    public void BeginChunk(long size, bool last = false)
    {
        Begin(size, storing: true);
        _last = last;
    }

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
            foreach (var segment in buffer.Slice(0, take))
            {
                if (_binary) body.Write(_binarySize.Admit(segment.Span));
                else _text.Write(segment.Span, body, stopAfterLineEnd: false, out _);
            }
        }
        buffer = buffer.Slice(take);
        Remaining -= take;
        if (_storing) MessageSize += take;
        if (Remaining > 0) return false;
        if (_storing && _last && !_binary) _text.Complete(body!);
        _storing = false; // a later call with nothing remaining stores nothing twice
        return true;
    }

    private void Begin(long size, bool storing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Remaining = size;
        _storing = storing;
        _last = false;
    }
}
