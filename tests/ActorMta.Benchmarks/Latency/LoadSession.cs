using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace ActorMta.Benchmarks.Latency;

/// <summary>Where a message stopped: Dot with 250 is an accepted message.</summary>
public enum LoadStage
{
    None,
    Connect,
    Greeting,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Dot,
}

/// <summary>
/// One message's outcome: the stage it reached, the code there (0: the connection failed or closed),
/// and, at Dot, the Stopwatch timestamps of writing the terminator and of reading the reply.
/// </summary>
public readonly record struct MessageOutcome(LoadStage Stage, int Code, long DotWrittenAt = 0, long ReplyReadAt = 0)
{
    public bool Accepted => Stage == LoadStage.Dot && Code == 250;

    public long LatencyTicks => ReplyReadAt - DotWrittenAt;
}

/// <summary>
/// One SMTP session of the load generator on a raw socket: EHLO once per connection, then MAIL, RCPT,
/// DATA and the content per message, in lock step (no pipelining). Commands are prebuilt bytes
/// (<see cref="LoadMessage"/>) and replies are parsed in a fixed buffer, so an accepted message allocates
/// nothing; only refusals make a string (<see cref="RefusalText"/>).
/// </summary>
public sealed class LoadSession(EndPoint relay, LoadMessage message) : IAsyncDisposable
{
    private readonly byte[] _input = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _lastLineStart;
    private int _lastLineLength;
    private NetworkStream? _stream;

    public bool IsOpen => _stream is not null;

    /// <summary>Messages tried on the current connection (for reconnecting after K).</summary>
    public int MessagesOnConnection { get; private set; }

    /// <summary>The reply line of the last refusal, for the report.</summary>
    public string? RefusalText { get; private set; }

    /// <summary>Connects, reads the greeting and says EHLO; Stage None when the session is ready.</summary>
    public async Task<MessageOutcome> OpenAsync(CancellationToken cancellation)
    {
        Close();
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(relay, cancellation);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return new MessageOutcome(LoadStage.Connect, 0);
        }
        _stream = new NetworkStream(socket, ownsSocket: true);
        _start = _end = 0;
        MessagesOnConnection = 0;
        var stage = LoadStage.Greeting;
        try
        {
            var code = await ReadReplyAsync(cancellation);
            if (code != 220) return Refused(stage, code, close: true);
            stage = LoadStage.Ehlo;
            await _stream.WriteAsync(message.Ehlo, cancellation);
            code = await ReadReplyAsync(cancellation);
            return code == 250 ? default : Refused(stage, code, close: true);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return Refused(stage, 0, close: true);
        }
    }

    /// <summary>One transaction on the open connection; on a refusal before the content the transaction is reset (RSET).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MessageOutcome> SendMessageAsync(CancellationToken cancellation)
    {
        var stream = _stream ?? throw new InvalidOperationException("the session is not open");
        MessagesOnConnection++;
        var stage = LoadStage.Mail;
        try
        {
            var code = await CommandAsync(stream, message.Mail, cancellation);
            if (code != 250) return await ResetAsync(stream, stage, code, cancellation);
            stage = LoadStage.Rcpt;
            code = await CommandAsync(stream, message.Rcpt, cancellation);
            if (code is not (250 or 251)) return await ResetAsync(stream, stage, code, cancellation);
            stage = LoadStage.Data;
            code = await CommandAsync(stream, LoadMessage.Data, cancellation);
            if (code != 354) return await ResetAsync(stream, stage, code, cancellation);
            stage = LoadStage.Dot;
            await stream.WriteAsync(message.Content, cancellation);
            var dotWritten = Stopwatch.GetTimestamp();
            await stream.WriteAsync(LoadMessage.Terminator, cancellation);
            code = await ReadReplyAsync(cancellation);
            var replyRead = Stopwatch.GetTimestamp();
            if (code != 250) Refused(stage, code, close: code is 0 or 421);
            return new MessageOutcome(stage, code, dotWritten, replyRead);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return Refused(stage, 0, close: true);
        }
    }

    /// <summary>QUIT and close, best effort.</summary>
    public async Task QuitAsync(CancellationToken cancellation)
    {
        if (_stream is not { } stream) return;
        try
        {
            await CommandAsync(stream, LoadMessage.Quit, cancellation);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // closing anyway
        }
        Close();
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> CommandAsync(NetworkStream stream, byte[] command, CancellationToken cancellation)
    {
        await stream.WriteAsync(command, cancellation);
        return await ReadReplyAsync(cancellation);
    }

    private async ValueTask<MessageOutcome> ResetAsync(NetworkStream stream, LoadStage stage, int code, CancellationToken cancellation)
    {
        var outcome = Refused(stage, code, close: code is 0 or 421);
        if (IsOpen && await CommandAsync(stream, LoadMessage.Rset, cancellation) != 250) Close();
        return outcome;
    }

    private MessageOutcome Refused(LoadStage stage, int code, bool close)
    {
        RefusalText = code == 0 ? "connection closed" : Encoding.ASCII.GetString(_input, _lastLineStart, _lastLineLength).TrimEnd();
        if (close) Close();
        return new MessageOutcome(stage, code);
    }

    /// <summary>The code of the next whole reply (its last line); 0 when the connection closed or the reply is not SMTP.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadReplyAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var newline = Array.IndexOf(_input, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                Buffer.BlockCopy(_input, _start, _input, 0, _end - _start);
                _end -= _start;
                _start = 0;
                if (_end == _input.Length) return 0; // a line longer than any reply
                var read = await _stream!.ReadAsync(_input.AsMemory(_end), cancellation);
                if (read == 0) return 0;
                _end += read;
                continue;
            }
            (_lastLineStart, _lastLineLength) = (_start, newline + 1 - _start);
            _start = newline + 1;
            var code = ReplyLine.Code(_input.AsSpan(_lastLineStart, _lastLineLength), out var last);
            if (code == 0 || last) return code;
        }
    }
}

/// <summary>Reads an SMTP reply line's code and whether it is the reply's last line (RFC 5321 4.2).</summary>
public static class ReplyLine
{
    /// <returns>The three-digit code, or 0 when the line does not start with one.</returns>
    public static int Code(ReadOnlySpan<byte> line, out bool last)
    {
        last = true;
        if (line.Length < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) return 0;
        last = line.Length == 3 || line[3] != (byte)'-';
        return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
