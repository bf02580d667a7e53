using System.Net;

namespace ActorMta.Smtp.Client;

/// <summary>How an outbound connection uses TLS.</summary>
public enum TlsPolicy
{
    /// <summary>Plain text only (loopback sinks, tests).</summary>
    None,
    /// <summary>STARTTLS when the server offers it, else plain text (the default for MX delivery).</summary>
    Opportunistic,
    /// <summary>STARTTLS is mandatory: a server without it, or a failed handshake, fails the connection.</summary>
    Required,
    /// <summary>TLS from the first byte (port 465, "smtps").</summary>
    Implicit,
}

/// <summary>RFC 5321 4.5.3.2 client timeouts (the RFC's minimums are the defaults).</summary>
public sealed record SmtpClientTimeouts
{
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Greeting { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>EHLO/HELO, STARTTLS, AUTH, MAIL, RCPT, RSET, QUIT replies.</summary>
    public TimeSpan Command { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>The 354 after DATA.</summary>
    public TimeSpan DataInitiation { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Each write of body data (and each BDAT chunk's write).</summary>
    public TimeSpan DataBlock { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>The reply after the final "." (or the last BDAT chunk).</summary>
    public TimeSpan DataTermination { get; init; } = TimeSpan.FromMinutes(10);
}

public sealed record SmtpClientOptions
{
    /// <summary>The name this client gives in EHLO/HELO (per egress source).</summary>
    public required string HeloName { get; init; }

    public TlsPolicy Tls { get; init; } = TlsPolicy.Opportunistic;

    /// <summary>Check the server certificate (chain and name). Off for opportunistic MX TLS, as MTAs do.</summary>
    public bool ValidateCertificate { get; init; }

    /// <summary>
    /// Decides on the server certificate instead of <see cref="ValidateCertificate"/> (MTA-STS: extra trusted CAs,
    /// recording why a certificate fails even when it is let through). Null: the rule of <see cref="ValidateCertificate"/>.
    /// </summary>
    public System.Net.Security.RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>The name for SNI and certificate checks (the MX or smarthost host name).</summary>
    public string? ServerName { get; init; }

    /// <summary>AUTH PLAIN/LOGIN credentials (smarthosts). Sent only over TLS.</summary>
    public NetworkCredential? Credentials { get; init; }

    public SmtpClientTimeouts Timeouts { get; init; } = new();

    /// <summary>Use PIPELINING (RFC 2920) when offered.</summary>
    public bool UsePipelining { get; init; } = true;

    /// <summary>Use CHUNKING/BDAT (RFC 3030) when offered.</summary>
    public bool UseChunking { get; init; } = true;

    /// <summary>Largest BDAT chunk: a body up to this size goes as one "BDAT n LAST".</summary>
    public int MaxChunkSize { get; init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive"); } = 1024 * 1024;

    /// <summary>Reply line length and lines per reply the client accepts.</summary>
    public SmtpLimits Limits { get; init; } = SmtpLimits.Default;
}
