using System.Net;

namespace ActorMta.Smtp.Client;

/// <summary>
/// One outbound SMTP connection (RFC 5321 client side): greeting, EHLO (HELO fallback),
/// STARTTLS per <see cref="TlsPolicy"/>, AUTH for smarthosts, then any number of transactions
/// with RSET between them. Connections are reused by the delivery stage's pool.
/// </summary>
public sealed class SmtpClientSession : IAsyncDisposable
{
    private SmtpClientSession() => throw new NotImplementedException();

    /// <summary>Connects (binding to <paramref name="localAddress"/> when given: the egress source), and gets the session ready for MAIL.</summary>
    /// <exception cref="SmtpClientException">the session could not be set up.</exception>
    public static Task<SmtpClientSession> ConnectAsync(EndPoint remote, IPAddress? localAddress, SmtpClientOptions options, CancellationToken cancellation) =>
        throw new NotImplementedException();

    public SmtpReply Greeting => throw new NotImplementedException();

    /// <summary>What the server offered in its (last) EHLO reply; empty after a HELO fallback.</summary>
    public ServerExtensions Extensions => throw new NotImplementedException();

    public bool IsTls => throw new NotImplementedException();
    public string? TlsProtocol => throw new NotImplementedException();
    public string? TlsCipher => throw new NotImplementedException();
    public IPEndPoint LocalEndPoint => throw new NotImplementedException();
    public IPEndPoint RemoteEndPoint => throw new NotImplementedException();

    /// <summary>Transactions sent on this connection so far.</summary>
    public int Transactions => throw new NotImplementedException();

    /// <summary>False once the connection broke, timed out or the server said 421: open a new one.</summary>
    public bool IsUsable => throw new NotImplementedException();

    /// <summary>
    /// One transaction: MAIL, RCPT per recipient, then DATA (dot-stuffed) or BDAT; pipelined when
    /// offered. Checks first, without sending: a message larger than the server's SIZE fails with
    /// 552 5.3.4; one that needs SMTPUTF8 to a server without it fails with 553 5.6.7 (reported as
    /// replies in the result, marked as local). A transaction after the first starts with RSET.
    /// </summary>
    /// <exception cref="SmtpClientException">the connection failed mid-transaction (outcomes are unknown: defer).</exception>
    public Task<TransactionResult> SendAsync(OutboundMessage message, CancellationToken cancellation) =>
        throw new NotImplementedException();

    /// <summary>QUIT, politely; errors are swallowed (the connection is closed either way).</summary>
    public Task QuitAsync(CancellationToken cancellation) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}

/// <summary>The EHLO keywords the client acts on.</summary>
public sealed record ServerExtensions(
    bool Pipelining,
    long? MaxSize,
    bool EightBitMime,
    bool SmtpUtf8,
    bool Chunking,
    bool BinaryMime,
    bool StartTls,
    bool Dsn,
    bool EnhancedStatusCodes,
    IReadOnlyList<string> AuthMechanisms)
{
    public static readonly ServerExtensions None = new(false, null, false, false, false, false, false, false, false, []);
}
