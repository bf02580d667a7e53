using System.Net;
using System.Security.Authentication;
using System.Text;

namespace ActorMta.TestSupport.Smtp;

/// <summary>A recipient the sink accepted, with its RCPT TO parameters (e.g. NOTIFY=, ORCPT=).</summary>
public sealed record SinkRecipient(string Address, IReadOnlyList<string> Parameters);

/// <summary>One command line a client sent, for tests that check the conversation itself.</summary>
public sealed record SinkCommand(int ConnectionNumber, string Line, DateTimeOffset ReceivedAt);

/// <summary>
/// One completed mail transaction (end of DATA or BDAT LAST), with the reply the sink gave to it.
/// <see cref="Body"/> holds the exact bytes received, after dot-unstuffing for DATA.
/// </summary>
public sealed record ReceivedMessage
{
    /// <summary>1-based order of this transaction across the sink's lifetime.</summary>
    public required int Number { get; init; }

    /// <summary>1-based number of the connection that carried it.</summary>
    public required int ConnectionNumber { get; init; }

    /// <summary>The reverse-path from MAIL FROM, without angle brackets ("" for the null sender).</summary>
    public required string ReversePath { get; init; }

    /// <summary>The ESMTP parameters of MAIL FROM (e.g. SIZE=, BODY=, SMTPUTF8, RET=, ENVID=).</summary>
    public required IReadOnlyList<string> MailParameters { get; init; }

    /// <summary>The recipients accepted in this transaction.</summary>
    public required IReadOnlyList<SinkRecipient> Recipients { get; init; }

    /// <summary>The message content exactly as received.</summary>
    public required byte[] Body { get; init; }

    /// <summary>True when the content came by BDAT rather than DATA.</summary>
    public required bool Chunked { get; init; }

    /// <summary>True when the transaction ran inside STARTTLS.</summary>
    public required bool Tls { get; init; }

    /// <summary>The TLS protocol in use, or <see cref="SslProtocols.None"/>.</summary>
    public required SslProtocols TlsProtocol { get; init; }

    /// <summary>The user that authenticated on this connection, if any.</summary>
    public required string? AuthenticatedUser { get; init; }

    /// <summary>The name the client gave in EHLO or HELO.</summary>
    public required string? HeloName { get; init; }

    /// <summary>The client's address and port: shows which source address the MTA used.</summary>
    public required IPEndPoint RemoteEndPoint { get; init; }

    /// <summary>The sink's own address and port for this connection.</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>When the connection was accepted.</summary>
    public required DateTimeOffset ConnectedAt { get; init; }

    /// <summary>When the content was complete.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The reply code the sink gave to the end of the content.</summary>
    public required int ReplyCode { get; init; }

    /// <summary>The reply text (with enhanced status code) the sink gave.</summary>
    public required string ReplyText { get; init; }

    /// <summary>True when the sink answered 2xx, i.e. took responsibility for the message.</summary>
    public bool Accepted => ReplyCode is >= 200 and < 300;

    /// <summary>The content decoded as UTF-8, for assertions on text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}
