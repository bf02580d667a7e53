using System.Text;

namespace ActorMta.Host.Probe;

/// <summary>An SMTP reply: its code and lines (without the code and separator).</summary>
public sealed record ProbeReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => string.Join(" ", Lines);
    public override string ToString() => $"{Code} {Text}";
}

/// <summary>Why a reply did not come: the server said nothing in time, or closed the connection.</summary>
public sealed class ProbeWireException(string message) : Exception(message)
{
    public bool TimedOut { get; init; }
}

/// <summary>
/// A small line-based SMTP client for the probe: one command, one reply, each read bounded by the
/// timeout, and a transcript in swaks' style ("<-" from the server, " ->" to it; "<~" and " ~>" inside TLS)
/// that never shows a password.
/// </summary>
public sealed class ProbeWire(Stream stream, TimeSpan timeout) : IAsyncDisposable
{
    private const int MaxLine = 4096;
    private readonly byte[] _buffer = new byte[8192];
    private int _start, _end;
    private bool _tls;

    public Stream Stream { get; private set; } = stream;

    /// <summary>The transcript's arrow for what the probe sends: "~>" inside TLS, "->" in clear text.</summary>
    public string ToServer => _tls ? "~>" : "->";

    /// <summary>After STARTTLS or implicit TLS: the same connection, now encrypted (unread clear-text octets are dropped).</summary>
    public void Upgrade(Stream tls)
    {
        Stream = tls;
        _start = _end = 0;
        _tls = true;
    }

    public async Task<ProbeReply> ReadReplyAsync(List<string> transcript)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            transcript.Add($"{(_tls ? "<~" : "<-")}  {line}");
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code) || (line.Length > 3 && line[3] is not (' ' or '-')))
                throw new ProbeWireException($"the server sent a line that is not an SMTP reply: \"{Shorten(line)}\"");
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ') return new ProbeReply(code, lines);
        }
    }

    public async Task<ProbeReply> CommandAsync(string command, List<string> transcript, string? shown = null)
    {
        transcript.Add($" {ToServer} {shown ?? command}");
        await WriteAsync(command + "\r\n");
        return await ReadReplyAsync(transcript);
    }

    public async Task WriteAsync(string text)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await Stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancel.Token);
            await Stream.FlushAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new ProbeWireException($"could not send within {timeout.TotalSeconds:0.#}s") { TimedOut = true };
        }
        catch (IOException e)
        {
            throw new ProbeWireException($"the connection broke while sending: {e.Message}");
        }
    }

    private async Task<string> ReadLineAsync()
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_end - _start >= MaxLine) throw new ProbeWireException($"the server sent a line longer than {MaxLine} octets");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int read;
            try
            {
                read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new ProbeWireException($"no answer within {timeout.TotalSeconds:0.#}s") { TimedOut = true };
            }
            catch (IOException e)
            {
                throw new ProbeWireException($"the connection broke: {e.Message}");
            }
            if (read == 0) throw new ProbeWireException("the server closed the connection");
            _end += read;
        }
    }

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "..." : line;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
