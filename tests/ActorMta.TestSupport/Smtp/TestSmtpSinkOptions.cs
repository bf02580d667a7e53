using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.TestSupport.Smtp;

/// <summary>How a <see cref="TestSmtpSink"/> listens and which ESMTP extensions it offers.</summary>
public sealed record TestSmtpSinkOptions
{
    /// <summary>Loopback address to listen on (127.0.0.1 by default; any 127.0.0.0/8 address or ::1 works).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Name in the greeting and the EHLO reply.</summary>
    public string HostName { get; init; } = "sink.test";

    /// <summary>Offer PIPELINING.</summary>
    public bool Pipelining { get; init; } = true;

    /// <summary>Offer SIZE with this limit and refuse larger declared sizes with 552 5.3.4; null offers no SIZE.</summary>
    public long? MaxMessageSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>Offer 8BITMIME.</summary>
    public bool EightBitMime { get; init; } = true;

    /// <summary>Offer SMTPUTF8.</summary>
    public bool SmtpUtf8 { get; init; } = true;

    /// <summary>Offer CHUNKING (BDAT).</summary>
    public bool Chunking { get; init; } = true;

    /// <summary>Offer BINARYMIME (RFC 3030; with <see cref="Chunking"/> only).</summary>
    public bool BinaryMime { get; init; }

    /// <summary>Offer DSN (RFC 3461: NOTIFY, ORCPT, RET, ENVID are then recorded with the envelope).</summary>
    public bool Dsn { get; init; } = true;

    /// <summary>Offer STARTTLS (with <see cref="Certificate"/>, or a generated self-signed one).</summary>
    public bool StartTls { get; init; } = true;

    /// <summary>Offer AUTH PLAIN LOGIN and accept only these credentials; null offers no AUTH.</summary>
    public SinkCredentials? Credentials { get; init; }

    /// <summary>Certificate for STARTTLS; null uses an in-process self-signed one.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>A session idle longer than this waiting for a command or data is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest command or data line accepted; a longer one closes the connection.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;
}

/// <summary>The one user the sink accepts for AUTH.</summary>
public sealed record SinkCredentials(string UserName, string Password);
