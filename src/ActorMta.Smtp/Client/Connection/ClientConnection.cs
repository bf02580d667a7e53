using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace ActorMta.Smtp.Client;

/// <summary>
/// The byte stream under an outbound session: a socket bound to the egress source, optionally TLS,
/// read and written through System.IO.Pipelines. Every step has a deadline; any I/O failure or
/// timeout breaks the connection for good and surfaces as a transient <see cref="SmtpClientException"/>.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    // TLS records carry at most 16 KiB: one pipe segment per record, one send per segment.
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 16 * 1024, leaveOpen: true);
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true);

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly SmtpLimits _limits;
    private readonly StageTimer _timer = new();
    private SslStream? _tls;
    private PipeReader _input;
    private SmtpReplyParser _replies;
    private bool _disposed;

    private ClientConnection(Socket socket, SmtpLimits limits)
    {
        _socket = socket;
        _limits = limits;
        _network = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_network, ReaderOptions);
        Output = PipeWriter.Create(_network, WriterOptions);
        _replies = new SmtpReplyParser(limits);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>Where commands and content are written; <see cref="FlushAsync"/> sends them.</summary>
    public PipeWriter Output { get; private set; }

    public IPEndPoint LocalEndPoint { get; }
    public IPEndPoint RemoteEndPoint { get; }
    public SslStream? Tls => _tls;

    /// <summary>A step failed (I/O error, timeout, malformed reply): the stream is out of step and must not be used.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Octets that had arrived in clear text behind the STARTTLS reply and were dropped (RFC 3207 section 5).</summary>
    public long DiscardedBeforeTls { get; private set; }

    /// <summary>
    /// Whether the server sent something (or closed) while no reply was awaited: between transactions
    /// that can only be a 421 or the end of the connection. Safe to call from any thread.
    /// </summary>
    public bool PeerHasSpoken
    {
        get
        {
            try
            {
                return _socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>Connects to <paramref name="remote"/>, first binding to <paramref name="localAddress"/> when given.</summary>
    public static async Task<ClientConnection> OpenAsync(EndPoint remote, IPAddress? localAddress, SmtpLimits limits, TimeSpan timeout, CancellationToken cancellation)
    {
        var family = remote is IPEndPoint ip ? ip.AddressFamily : localAddress?.AddressFamily ?? AddressFamily.Unspecified;
        var socket = family == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        using var timer = new StageTimer();
        try
        {
            socket.NoDelay = true; // commands are flushed as whole groups; Nagle would only delay the lock-step ones
            if (localAddress is not null) socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(remote, timer.Start(timeout, cancellation)).ConfigureAwait(false);
            return new ClientConnection(socket, limits);
        }
        catch (Exception e)
        {
            socket.Dispose();
            cancellation.ThrowIfCancellationRequested();
            throw e switch
            {
                OperationCanceledException => new SmtpClientException(SessionStage.Connect, $"no connection to {remote} within {timeout.TotalSeconds:0.###} s", inner: e),
                SocketException s => new SmtpClientException(SessionStage.Connect, $"cannot connect to {remote}{From(localAddress)}: {s.SocketErrorCode}", inner: e),
                _ => e,
            };
        }
    }

    /// <summary>Reads one whole reply; <paramref name="awaited"/> names what it answers, for the error text.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpReply> ReadReplyAsync(SessionStage stage, TimeSpan timeout, string awaited, CancellationToken cancellation)
    {
        var deadline = _timer.Start(timeout, cancellation);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(deadline).ConfigureAwait(false);
                var buffer = result.Buffer;
                var status = _replies.TryParse(ref buffer, out var reply);
                if (status == ReplyStatus.Complete)
                {
                    // Examined only up to the reply: pipelined replies behind it are read without waiting.
                    _input.AdvanceTo(buffer.Start);
                    return reply!;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (status != ReplyStatus.NeedMoreData) throw Break(stage, $"malformed reply to {awaited} ({status})");
                if (result.IsCompleted) throw Break(stage, $"the server closed the connection instead of replying to {awaited}");
            }
        }
        catch (Exception e) when (IsStreamFailure(e))
        {
            throw Failure(e, stage, $"waiting for the reply to {awaited}", cancellation);
        }
        finally
        {
            _timer.Stop();
        }
    }

    /// <summary>Sends what was written to <see cref="Output"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(SessionStage stage, TimeSpan timeout, string sending, CancellationToken cancellation)
    {
        var deadline = _timer.Start(timeout, cancellation);
        try
        {
            await Output.FlushAsync(deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStreamFailure(e))
        {
            throw Failure(e, stage, $"sending {sending}", cancellation);
        }
        finally
        {
            _timer.Stop();
        }
    }

    /// <summary>
    /// The TLS handshake (after "220" to STARTTLS, or first thing for implicit TLS). Whatever arrived
    /// in clear text before it is dropped: it cannot be told apart from an attacker's injection.
    /// </summary>
    public async Task StartTlsAsync(SslClientAuthenticationOptions options, TimeSpan timeout, CancellationToken cancellation)
    {
        if (_input.TryRead(out var leftover))
        {
            DiscardedBeforeTls += leftover.Buffer.Length;
            _input.AdvanceTo(leftover.Buffer.End);
        }
        await _input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);

        var tls = new SslStream(_network, leaveInnerStreamOpen: true);
        var deadline = _timer.Start(timeout, cancellation);
        try
        {
            await tls.AuthenticateAsClientAsync(options, deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStreamFailure(e))
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw Failure(e, SessionStage.StartTls, "in the TLS handshake", cancellation);
        }
        finally
        {
            _timer.Stop();
        }

        _tls = tls;
        _input = PipeReader.Create(tls, ReaderOptions);
        Output = PipeWriter.Create(tls, WriterOptions);
        _replies = new SmtpReplyParser(_limits);
    }

    /// <summary>
    /// After the reply to QUIT: waits, at most <paramref name="timeout"/>, for the server to close
    /// (RFC 5321 4.1.1.10: it closes once it has replied). Until then the connection still counts
    /// against the server's limits, so a new one opened at once could exceed them; and the side
    /// that closes first keeps TIME_WAIT, which is better the server than a relay's source ports.
    /// </summary>
    public async Task WaitForServerCloseAsync(TimeSpan timeout)
    {
        var deadline = _timer.Start(timeout, CancellationToken.None);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(deadline).ConfigureAwait(false);
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
        }
        catch (Exception e) when (IsStreamFailure(e))
        {
            // Closed (or reset) by the server, or it did not close in time: we close below either way.
        }
        finally
        {
            _timer.Stop();
        }
    }

    /// <summary>Sends TLS close_notify before the socket closes (best effort).</summary>
    public async Task ShutdownTlsAsync()
    {
        if (_tls is null || IsBroken) return;
        try
        {
            await _tls.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsStreamFailure(e))
        {
            // The server may have closed first; the socket closes either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        IsBroken = true;
        // Close the socket first, so completing the pipes can never wait on a peer that does not read.
        if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
        await _network.DisposeAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync(new ObjectDisposedException(nameof(ClientConnection))).ConfigureAwait(false);
        _timer.Dispose();
    }

    /// <summary>Marks the connection broken and makes the exception for a protocol-level failure.</summary>
    public SmtpClientException Break(SessionStage stage, string message, SmtpReply? reply = null)
    {
        IsBroken = true;
        return new SmtpClientException(stage, message, reply);
    }

    /// <param name="doing">What was going on, e.g. "sending the body".</param>
    private Exception Failure(Exception e, SessionStage stage, string doing, CancellationToken cancellation)
    {
        IsBroken = true;
        if (cancellation.IsCancellationRequested) return new OperationCanceledException("cancelled by the caller", e, cancellation);
        return e switch
        {
            OperationCanceledException => new SmtpClientException(stage, $"timed out {doing}", inner: e),
            AuthenticationException => new SmtpClientException(stage, $"TLS handshake failed: {e.Message}", inner: e),
            _ => new SmtpClientException(stage, $"connection failed {doing}: {e.Message}", inner: e),
        };
    }

    private static bool IsStreamFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException or InvalidOperationException;

    private static string From(IPAddress? localAddress) => localAddress is null ? "" : $" from {localAddress}";
}
