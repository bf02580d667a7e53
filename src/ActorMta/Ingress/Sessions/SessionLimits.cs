using ActorMta.Configuration;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Sessions;

/// <summary>What one client may do before it is refused or disconnected.</summary>
/// <param name="MaxErrors">Commands answered with an error before the session is closed (421 4.7.0).</param>
/// <param name="MaxReceivedHeaders">More Received headers than this in a message means a mail loop (554 5.4.6).</param>
/// <param name="RejectLongTextLines">Refuse a message with a line over 1000 octets (RFC 5321 4.5.3.1.6) rather than pass it on.</param>
public sealed record SessionLimits(
    long MaxMessageSize,
    int MaxRecipients,
    int MaxErrors,
    int MaxReceivedHeaders,
    BareLineEndingHandling BareLineEndings,
    bool RejectLongTextLines)
{
    /// <summary>A message larger than this goes on to a spool file as it arrives rather than stay in memory (actormta.smtp.spool-threshold).</summary>
    public long SpoolThreshold { get; init; } = 256 * 1024;

    public static SessionLimits From(SettingsReader settings) => new(
        settings.Size("actormta.smtp.max-message-size", min: 1024),
        settings.Int("actormta.smtp.max-recipients", 1, 100_000),
        settings.Int("actormta.smtp.max-errors", 1, 10_000),
        settings.Int("actormta.smtp.max-received-headers", 1, 1000),
        settings.OneOf("actormta.smtp.bare-line-endings", new Dictionary<string, BareLineEndingHandling>
        {
            ["reject"] = BareLineEndingHandling.Reject,
            ["normalize"] = BareLineEndingHandling.Normalize,
        }),
        settings.OneOf("actormta.smtp.long-text-lines", new Dictionary<string, bool> { ["reject"] = true, ["accept"] = false }))
    {
        SpoolThreshold = settings.Size("actormta.smtp.spool-threshold", min: 4096),
    };

    /// <summary>The wire protocol's limits for these settings.</summary>
    public SmtpLimits ToSmtpLimits() => SmtpLimits.Default with { MaxMessageSize = MaxMessageSize, BareLineEndings = BareLineEndings };
}

/// <summary>RFC 5321 4.5.3.2 timeouts, from the server's side.</summary>
/// <param name="Greeting">From connect to the first command (an smtps TLS handshake included).</param>
/// <param name="Command">Waiting for the next command, or for the client to read our reply (4.5.3.2.7: 5 minutes).</param>
/// <param name="DataBlock">Between two blocks of message data (4.5.3.2.6's 3 minutes).</param>
/// <param name="DataTermination">The whole message, 354 to the final dot (or all BDAT chunks); bounds a trickling client (4.5.3.2.6's 10 minutes).</param>
public sealed record SessionTimeouts(TimeSpan Greeting, TimeSpan Command, TimeSpan DataBlock, TimeSpan DataTermination)
{
    public static SessionTimeouts From(SettingsReader settings) => new(
        settings.Duration("actormta.smtp.timeouts.greeting", TimeSpan.FromMilliseconds(100)),
        settings.Duration("actormta.smtp.timeouts.command", TimeSpan.FromMilliseconds(100)),
        settings.Duration("actormta.smtp.timeouts.data-block", TimeSpan.FromMilliseconds(100)),
        settings.Duration("actormta.smtp.timeouts.data-termination", TimeSpan.FromMilliseconds(100)));
}
