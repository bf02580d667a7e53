using System.Net;

namespace ActorMta.Smtp.Client;

/// <summary>
/// One outbound SMTP connection (RFC 5321 client side): greeting, EHLO (HELO fallback),
/// STARTTLS per <see cref="TlsPolicy"/>, AUTH for smarthosts, then any number of transactions.
/// Connections are reused by the delivery stage's pool. One operation at a time.
/// </summary>
/// <remarks>
/// Between transactions no RSET is sent after one that ran to its end: the reply to the end of the
/// content ends the transaction whatever its code (RFC 5321 4.1.1.4), so the next MAIL starts clean.
/// A transaction that stopped early (no recipient accepted, DATA or a BDAT chunk refused) leaves the
/// server holding it, and the next transaction starts with RSET (pipelined with MAIL when offered).
/// </remarks>
public sealed partial class SmtpClientSession : IAsyncDisposable
{
    private readonly ClientConnection _connection;
    private readonly SmtpClientOptions _options;
    private SmtpReply? _greeting;
    private int _transactions;
    private bool _closing;
    private bool _needsReset;
    private int _busy;

    private SmtpClientSession(ClientConnection connection, SmtpClientOptions options)
    {
        _connection = connection;
        _options = options;
    }

    /// <summary>Connects (binding to <paramref name="localAddress"/> when given: the egress source), and gets the session ready for MAIL.</summary>
    /// <exception cref="SmtpClientException">the session could not be set up.</exception>
    public static async Task<SmtpClientSession> ConnectAsync(EndPoint remote, IPAddress? localAddress, SmtpClientOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(options);
        ClientCommands.EnsureSafe(options.HeloName, "the HELO name");
        var connection = await ClientConnection.OpenAsync(remote, localAddress, options.Limits, options.Timeouts.Connect, cancellation).ConfigureAwait(false);
        var session = new SmtpClientSession(connection, options);
        try
        {
            await session.SetUpAsync(options.ServerName ?? (remote as DnsEndPoint)?.Host ?? "", cancellation).ConfigureAwait(false);
            return session;
        }
        catch
        {
            // Say goodbye to a server that refused us politely; a broken connection just closes.
            await session.QuitQuietlyAsync(TimeSpan.FromSeconds(Math.Min(10, options.Timeouts.Command.TotalSeconds)), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public SmtpReply Greeting => _greeting ?? throw new InvalidOperationException("no greeting yet");

    /// <summary>The name the server gave in its greeting (the first word of the 220 reply; RFC 5321 4.2).</summary>
    public string? GreetingName => _greeting is { } greeting ? FirstWord(greeting) : null;

    /// <summary>The name the server gave in its (last) EHLO or HELO reply.</summary>
    public string? HelloName { get; private set; }

    /// <summary>What the server offered in its (last) EHLO reply; empty after a HELO fallback.</summary>
    public ServerExtensions Extensions { get; private set; } = ServerExtensions.None;

    public bool IsTls => _connection.Tls is not null;
    public string? TlsProtocol => _connection.Tls?.SslProtocol.ToString();
    public string? TlsCipher => _connection.Tls?.NegotiatedCipherSuite.ToString();
    public IPEndPoint LocalEndPoint => _connection.LocalEndPoint;
    public IPEndPoint RemoteEndPoint => _connection.RemoteEndPoint;

    /// <summary>Transactions sent on this connection so far (MAIL commands; local verdicts send nothing and do not count).</summary>
    public int Transactions => _transactions;

    /// <summary>
    /// False once the connection broke, timed out or the server said 421: open a new one. Between
    /// operations it also looks at the socket: a server that spoke unasked (a 421 before its idle
    /// timeout) or closed the connection makes it unusable.
    /// </summary>
    public bool IsUsable => !_closing && !_connection.IsBroken && (Volatile.Read(ref _busy) != 0 || !_connection.PeerHasSpoken);

    /// <summary>Octets that arrived in clear text behind the "220" to STARTTLS and were dropped.</summary>
    internal long DiscardedBeforeTls => _connection.DiscardedBeforeTls;

    /// <summary>QUIT, politely; errors are swallowed (the connection is closed either way).</summary>
    /// <summary>How long QUIT waits for the server to close after its reply (it should at once).</summary>
    private static readonly TimeSpan ServerCloseWait = TimeSpan.FromSeconds(2);

    public Task QuitAsync(CancellationToken cancellation) => QuitQuietlyAsync(_options.Timeouts.Command, cancellation);

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task QuitQuietlyAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            if (!_closing && !_connection.IsBroken && Interlocked.Exchange(ref _busy, 1) == 0)
            {
                _closing = true;
                ClientCommands.Quit(_connection.Output);
                await _connection.FlushAsync(SessionStage.Quit, timeout, "QUIT", cancellation).ConfigureAwait(false);
                await _connection.ReadReplyAsync(SessionStage.Quit, timeout, "QUIT", cancellation).ConfigureAwait(false);
                await _connection.WaitForServerCloseAsync(timeout < ServerCloseWait ? timeout : ServerCloseWait).ConfigureAwait(false);
                await _connection.ShutdownTlsAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Whatever the server did with QUIT, the connection closes below.
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0) throw new InvalidOperationException("an SMTP session runs one operation at a time");
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private static string? FirstWord(SmtpReply reply) =>
        reply.Lines.Count > 0 && reply.Lines[0].Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : null;

    private ValueTask<SmtpReply> ReadAsync(SessionStage stage, TimeSpan timeout, string awaited, CancellationToken cancellation) =>
        _connection.ReadReplyAsync(stage, timeout, awaited, cancellation);

    private ValueTask FlushAsync(SessionStage stage, TimeSpan timeout, string sending, CancellationToken cancellation) =>
        _connection.FlushAsync(stage, timeout, sending, cancellation);

    /// <summary>The failure for a refusing reply; a 421 also means the server is closing the connection.</summary>
    private SmtpClientException Refused(SessionStage stage, string what, SmtpReply reply, bool? permanent = null)
    {
        if (reply.Code == 421) _closing = true;
        return new SmtpClientException(stage, $"{what}: {reply}", reply, permanent ?? reply.IsPermanentFailure);
    }
}
