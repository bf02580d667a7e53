using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ActorMta.Smtp;

namespace ActorMta.Smtp.Server;

/// <summary>
/// One client socket as the session actor sees it: replies are written into a buffer, and input is
/// pulled one unit at a time (a line, a DATA body, a BDAT chunk, a TLS handshake) by an operation
/// whose outcome comes back as a <see cref="ConnectionEvent"/>. Only one operation runs at a time,
/// and the actor writes only between operations, so nothing here needs a lock.
/// </summary>
/// <remarks>
/// <para>Replies are flushed when an operation would have to wait for the network, never sooner: the
/// replies to a pipelined group leave together, in order (RFC 2920).</para>
/// <para>Idle memory: the reader uses zero-byte reads, so a waiting connection holds no buffer;
/// buffers come from the shared pool only while octets are in flight.</para>
/// <para>Deadlines: one timer per connection cancels the pending read or flush; a cancellation that
/// comes before the deadline (a late timer from the operation before) is ignored.</para>
/// </remarks>
public sealed partial class SmtpConnection : IDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 1024, leaveOpen: true);
    /// <summary>After our last reply, how long we read and drop what the client still sends, so the close is a FIN and not a reset that could destroy the reply.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);
    private const long DrainLimit = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private SslStream? _tls;
    private PipeReader _reader;
    private PipeWriter _writer;
    private long _deadline = long.MaxValue;
    private volatile bool _reading;
    private volatile bool _flushing;
    private volatile bool _interrupted;
    private bool _unexamined;
    private bool _pendingOutput;
    private int _disposed;

    public SmtpConnection(Socket socket, TimeProvider clock)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _clock = clock;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        ClientAddress = ClientAddressOf(RemoteEndPoint);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _network = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_network, ReaderOptions);
        _writer = PipeWriter.Create(_network, WriterOptions);
        _timer = clock.CreateTimer(static state => ((SmtpConnection)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public IPEndPoint RemoteEndPoint { get; }
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The client's address, IPv4-mapped IPv6 shown as IPv4.</summary>
    public IPAddress ClientAddress { get; }

    /// <summary>A remote end point's address as the policy and the logs see it: IPv4-mapped IPv6 as IPv4.</summary>
    public static IPAddress ClientAddressOf(IPEndPoint remote) =>
        remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;

    public bool IsTls => _tls is not null;

    public void Write(SmtpReply reply)
    {
        reply.WriteTo(_writer);
        _pendingOutput = true;
    }

    /// <summary>Octets already in wire form (e.g. "334 " with its empty challenge).</summary>
    public void Write(ReadOnlySpan<byte> wire)
    {
        _writer.Write(wire);
        _pendingOutput = true;
    }

    /// <summary>A reply built at run time (one line).</summary>
    public void Write(int code, EnhancedStatusCode? status, string text)
    {
        SmtpReply.Write(_writer, code, status, text);
        _pendingOutput = true;
    }

    /// <summary>Makes the pending read end with <see cref="Interrupted"/> (now, or as soon as one starts).</summary>
    public void Interrupt()
    {
        _interrupted = true;
        if (_reading) CancelRead();
    }

    /// <summary>Waits <paramref name="wait"/> for the client to say anything before it has been greeted; consumes nothing.</summary>
    public Task<ConnectionEvent> WaitForSilenceAsync(TimeSpan wait) => RunAsync(wait, async () =>
    {
        while (true)
        {
            var (result, stop) = await ReadAsync();
            if (stop is TimedOut) return StayedSilent.Instance;
            if (stop is not null) return stop;
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (!result.Buffer.IsEmpty) return SpokeFirst.Instance;
            if (result.IsCompleted) return ClientClosed.Instance;
        }
    });

    /// <summary>Reads one CRLF-terminated line (flushing pending replies first if none is buffered).</summary>
    /// <remarks>
    /// Written out in one method rather than through <see cref="RunAsync"/> and <see cref="ReadAsync"/>:
    /// every idle connection waits in here, and each async layer is a heap object held while the client is silent.
    /// </remarks>
    public async Task<ConnectionEvent> ReadLineAsync(SmtpLineReader lines, TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) != 0) return new IoFailed("connection closed");
        Arm(timeout);
        try
        {
            while (true)
            {
                if (!_unexamined && await FlushPendingAsync() is { } flushStop) return flushStop;
                if (StopBeforeRead() is { } stop) return stop;
                ReadResult result;
                try
                {
                    result = await _reader.ReadAsync();
                }
                finally
                {
                    _reading = false;
                }
                if (result.IsCanceled)
                {
                    if (StopAfterCancel(result) is { } cancelled) return cancelled;
                    continue;
                }
                if (LineFrom(lines, result) is { } read) return read;
            }
        }
        catch (Exception e) when (IsConnectionError(e))
        {
            return new IoFailed(e.GetBaseException().Message);
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>A line off the buffer, copied (the pipe's memory goes back once advanced); null when more input is needed.</summary>
    private ConnectionEvent? LineFrom(SmtpLineReader lines, ReadResult result)
    {
        var buffer = result.Buffer;
        var status = lines.TryRead(ref buffer, out var line);
        if (status != LineStatus.NeedMoreData)
        {
            var copy = line.ToArray();
            var more = !buffer.IsEmpty || (_tls is null && _socket.Available > 0);
            _reader.AdvanceTo(buffer.Start);
            _unexamined = !buffer.IsEmpty;
            return new LineRead(copy, status, more);
        }
        _reader.AdvanceTo(buffer.Start, buffer.End);
        _unexamined = false;
        return result.IsCompleted ? ClientClosed.Instance : null;
    }

    /// <summary>Reads a DATA body to its final dot into <paramref name="body"/>; commands pipelined after it stay buffered.</summary>
    public Task<ConnectionEvent> ReadDataAsync(DataReader data, IBufferWriter<byte> body, TimeSpan block, TimeSpan total) =>
        ReadBlocksAsync(block, total, buffer => (data.TryReadToEnd(ref buffer, body), buffer));

    /// <summary>Reads (or with a null body, skips) the BDAT chunk <paramref name="chunks"/> was told about.</summary>
    public Task<ConnectionEvent> ReadChunkAsync(ChunkReader chunks, IBufferWriter<byte>? body, TimeSpan block, TimeSpan total) =>
        chunks.Remaining == 0
            ? Task.FromResult<ConnectionEvent>(InputComplete.Instance)
            : ReadBlocksAsync(block, total, buffer => (chunks.TryReadChunk(ref buffer, body), buffer));

    /// <summary>
    /// Sends pending replies (the 220 to STARTTLS), drops any octets the client sent after the
    /// STARTTLS line (they came in clear text and must never be taken as commands inside TLS:
    /// CVE-2011-0411), then runs the server handshake. Also the start of an smtps connection.
    /// </summary>
    public Task<ConnectionEvent> StartTlsAsync(SslServerAuthenticationOptions options, TimeSpan timeout) => RunAsync(timeout, async () =>
    {
        if (await FlushPendingAsync() is { } stop) return stop;
        long discarded = 0;
        if (_unexamined && _reader.TryRead(out var plaintext))
        {
            discarded = plaintext.Buffer.Length;
            _reader.AdvanceTo(plaintext.Buffer.End);
        }
        _unexamined = false;
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        _tls = new SslStream(_network, leaveInnerStreamOpen: true);
        _reader = PipeReader.Create(_tls, ReaderOptions);
        _writer = PipeWriter.Create(_tls, WriterOptions);
        using var handshake = new CancellationTokenSource(timeout, _clock);
        try
        {
            await _tls.AuthenticateAsServerAsync(options, handshake.Token);
        }
        catch (OperationCanceledException)
        {
            return TimedOut.Instance;
        }
        return new TlsEstablished(ProtocolName(_tls.SslProtocol), _tls.NegotiatedCipherSuite.ToString(), discarded);
    });

    /// <summary>Sends the pending replies now.</summary>
    public Task<ConnectionEvent> FlushAsync(TimeSpan timeout) => RunAsync(timeout, async () => await FlushPendingAsync() ?? Flushed.Instance);

    /// <summary>
    /// Sends the pending replies, ends our side (TLS close_notify, then FIN), reads and drops what
    /// the client still sends for a moment so our last reply is not lost to a reset, and releases
    /// everything. Never fails.
    /// </summary>
    public async Task<ConnectionEvent> CloseAsync(TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) != 0) return Closed.Instance;
        await RunAsync(timeout, async () =>
        {
            if (await FlushPendingAsync() is { } stop) return stop;
            if (_tls is not null) await _tls.ShutdownAsync();
            _socket.Shutdown(SocketShutdown.Send);
            return Flushed.Instance;
        });
        await RunAsync(DrainTime, async () =>
        {
            long drained = 0;
            while (drained < DrainLimit)
            {
                var (result, stop) = await ReadAsync();
                if (stop is not null) return stop;
                drained += result.Buffer.Length;
                _reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            return Closed.Instance;
        });
        try
        {
            await _reader.CompleteAsync();
            await _writer.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Buffers still go back to the pool; the socket is closed below either way.
        }
        Dispose();
        return Closed.Instance;
    }

    /// <summary>Closes the socket at once; a pending operation ends with <see cref="IoFailed"/>. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _timer.Dispose();
        _socket.Dispose();
        _tls?.Dispose();
    }
}
