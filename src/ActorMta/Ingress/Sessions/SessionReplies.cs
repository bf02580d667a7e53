using ActorMta.Smtp;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// The replies of the session layer (policy, limits, TLS, AUTH, queue), built once; the wire
/// protocol's own are in <see cref="SmtpReplies"/>. Those naming this host are per instance.
/// </summary>
public sealed class SessionReplies(string hostname, string greeting)
{
    // Protocol discipline (RFC 2920, hardened Postfix: smtpd_forbid_unauth_pipelining).
    public static readonly SmtpReply SynchronizationError = new(554, "5.5.0 Error: SMTP protocol synchronization");
    public static readonly SmtpReply TalkedBeforeGreeting = new(554, "5.5.0 Error: SMTP protocol synchronization: client spoke before the greeting");

    // Who may send (RFC 3207, RFC 4954, design invariant 3).
    public static readonly SmtpReply MustStartTls = new(530, "5.7.0 Must issue a STARTTLS command first");
    public static readonly SmtpReply AuthenticationRequired = new(530, "5.7.0 Authentication required");
    public static readonly SmtpReply RelayDenied = new(554, "5.7.1 Relay access denied");
    public static readonly SmtpReply RoutingDenied = new(554, "5.7.1 Relay access denied: no '%', '!' or '@' routing in the local part");

    /// <summary>A recipient of an accepted domain that validates its users and does not know this one (Postfix's wording).</summary>
    public static SmtpReply UnknownRecipient(Mailbox recipient) => new(550, $"5.1.1 <{recipient}>: Recipient address rejected: User unknown");

    /// <summary>A recipient on the suppression list (a hard bounce before, or an operator's entry), with its reason.</summary>
    public static SmtpReply Suppressed(string recipient, string reason) => new(550, $"5.1.1 <{recipient}>: recipient is suppressed ({reason})");

    // Limits.
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3 Error: too many recipients");
    public static readonly SmtpReply MailLoop = new(554, "5.4.6 Too many Received headers: mail forwarding loop");
    public static readonly SmtpReply BdatWithoutChunking = new(503, "5.5.1 Error: BDAT needs EHLO (CHUNKING)");

    // The queue.
    public static readonly SmtpReply QueueUnavailable = new(451, "4.3.0 Error: queue unavailable, try again later");
    /// <summary>A large message's spool file could not be written (a full disk): the client keeps it and tries again.</summary>
    public static readonly SmtpReply SpoolUnavailable = new(451, "4.3.1 Error: insufficient system storage, try again later");

    // STARTTLS and AUTH (RFC 3207, RFC 4954).
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1 Error: TLS already active");
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11 Encryption required for requested authentication mechanism");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1 Error: already authenticated");
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4 Unrecognized authentication type");
    public static readonly SmtpReply AuthAborted = new(501, "5.0.0 Authentication aborted");
    public static readonly SmtpReply CannotDecode = new(501, "5.5.2 Cannot decode response");
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0 Authentication successful");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8 Authentication credentials invalid");
    public static readonly SmtpReply AuthPenalised = new(454, "4.7.0 Too many failed authentication attempts from your address, try again later");
    public static readonly SmtpReply AuthBusy = new(454, "4.7.0 Temporary authentication failure: too many authentications in progress, try again later");
    public static readonly SmtpReply UsernameChallenge = new(334, "VXNlcm5hbWU6");
    public static readonly SmtpReply PasswordChallenge = new(334, "UGFzc3dvcmQ6");

    /// <summary>"334 " with an empty challenge (RFC 4954: the client then sends its initial response).</summary>
    public static ReadOnlySpan<byte> EmptyChallenge => "334 \r\n"u8;

    public SmtpReply Greeting { get; } = new(220, null, greeting.Length == 0 ? hostname : $"{hostname} {greeting}");
    public SmtpReply Timeout { get; } = new(421, $"4.4.2 {hostname} Error: timeout exceeded");
    public SmtpReply TooManyErrors { get; } = new(421, $"4.7.0 {hostname} Error: too many errors");
    public SmtpReply TooManyCommands { get; } = new(421, $"4.7.0 {hostname} Error: too many commands in one session");
    public SmtpReply SessionTooLong { get; } = new(421, $"4.4.2 {hostname} Error: session time limit exceeded");
    public SmtpReply TooManyAuthFailures { get; } = new(421, $"4.7.0 {hostname} Error: too many failed authentication attempts");
    public SmtpReply ShuttingDown { get; } = new(421, $"4.3.2 {hostname} Service shutting down, try again later");
    public SmtpReply TooManyConnections { get; } = new(421, $"4.7.0 {hostname} Error: too many connections");
    public SmtpReply TooManyConnectionsFromClient { get; } = new(421, $"4.7.0 {hostname} Error: too many connections from your address");
}
