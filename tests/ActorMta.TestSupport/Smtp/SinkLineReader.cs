namespace ActorMta.TestSupport.Smtp;

/// <summary>
/// Reads lines and exact byte counts from a stream, keeping what it read ahead in its own buffer.
/// After STARTTLS the session makes a new reader, which drops plaintext that was pipelined behind the command.
/// </summary>
internal sealed class SinkLineReader(Stream stream, int maxLineLength)
{
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>The next line including its LF (and CR, if sent); null when the peer closed the connection.</summary>
    public async ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var lineFeed = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (lineFeed >= 0)
            {
                var line = _buffer[_start..(lineFeed + 1)];
                _start = lineFeed + 1;
                return line;
            }

            scanned = _end - _start;
            if (scanned > maxLineLength)
            {
                throw new InvalidDataException($"Line longer than {maxLineLength} bytes.");
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a BDAT chunk); null when the peer closed the connection first.</summary>
    public async ValueTask<byte[]?> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var chunk = new byte[count];
        var buffered = Math.Min(count, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(chunk);
        _start += buffered;
        try
        {
            await stream.ReadExactlyAsync(chunk.AsMemory(buffered), cancellationToken);
            return chunk;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }
}
