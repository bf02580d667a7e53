using ActorMta.Ingress.Auth;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Tls;
using ActorMta.Queue.Bodies;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Sessions;

/// <summary>What every session of one listener shares: settings, the parser, the EHLO replies, policy, TLS and AUTH.</summary>
public sealed class SessionSetup
{
    /// <summary>Extensions every listener offers after EHLO (STARTTLS and AUTH are added by TLS state).</summary>
    public const SmtpExtensions BaseExtensions = SmtpExtensions.Pipelining | SmtpExtensions.Size | SmtpExtensions.EightBitMime
        | SmtpExtensions.SmtpUtf8 | SmtpExtensions.EnhancedStatusCodes | SmtpExtensions.Chunking | SmtpExtensions.Dsn;

    public static readonly IReadOnlyList<string> AuthMechanisms = ["PLAIN", "LOGIN"];

    public SessionSetup(
        string hostname,
        ListenerSettings listener,
        IngressSettings settings,
        RelayPolicy policy,
        ServerCertificate certificate,
        CredentialStore credentials,
        AuthFailures authFailures,
        TimeSpan acceptTimeout,
        TimeProvider clock)
    {
        Hostname = hostname;
        Listener = listener;
        Limits = settings.Limits;
        Caps = settings.Caps;
        SmtpLimits = settings.Limits.ToSmtpLimits();
        Timeouts = settings.Timeouts;
        Parser = new SmtpCommandParser(SmtpLimits);
        Capabilities = new ServerCapabilities(hostname, BaseExtensions | SmtpExtensions.StartTls | SmtpExtensions.Auth,
            settings.Limits.MaxMessageSize, AuthMechanisms);
        Replies = new SessionReplies(hostname, settings.Greeting);
        Policy = policy;
        RecipientValidation = settings.RecipientValidation;
        Certificate = certificate;
        Credentials = credentials;
        AuthFailures = authFailures;
        MaxAuthFailures = settings.Auth.MaxFailures;
        AuthFailureDelay = settings.Auth.FailureDelay;
        AcceptTimeout = acceptTimeout;
        Clock = clock;
        Spool = settings.SpoolDirectory is null ? null : new BodySpool(settings.SpoolDirectory);
    }

    public string Hostname { get; }
    public ListenerSettings Listener { get; }
    public SessionLimits Limits { get; }
    public SessionCaps Caps { get; }
    public SmtpLimits SmtpLimits { get; }
    public SessionTimeouts Timeouts { get; }
    public SmtpCommandParser Parser { get; }
    public ServerCapabilities Capabilities { get; }
    public SessionReplies Replies { get; }
    public RelayPolicy Policy { get; }
    /// <summary>Which recipients of accepted domains exist (actormta.smtp.recipient-validation); by default every one.</summary>
    public RecipientValidation RecipientValidation { get; }
    public ServerCertificate Certificate { get; }
    public CredentialStore Credentials { get; }
    public AuthFailures AuthFailures { get; }
    public int MaxAuthFailures { get; }
    public TimeSpan AuthFailureDelay { get; }
    /// <summary>How long the session waits for the queue to make a message durable (actormta.queue.accept-timeout).</summary>
    public TimeSpan AcceptTimeout { get; }
    public TimeProvider Clock { get; }
    /// <summary>Where bodies past <see cref="SessionLimits.SpoolThreshold"/> go while they arrive; null: nowhere, they stay in memory.</summary>
    public BodySpool? Spool { get; }

    /// <summary>The suppression list's RCPT check; null: none (recipients are not checked).</summary>
    public RecipientSuppression? Suppression { get; init; }

    /// <summary>How a message picks its egress pool: the header field left out of every message, the tenants' pools.</summary>
    public Contracts.PoolChoice PoolChoice { get; init; } = Contracts.PoolChoice.None;

    /// <summary>How long closing may take to deliver our last reply.</summary>
    public TimeSpan CloseTimeout => Timeouts.Command < TimeSpan.FromSeconds(10) ? Timeouts.Command : TimeSpan.FromSeconds(10);

    /// <summary>What an EHLO offers: STARTTLS before TLS (not on smtps, which starts in TLS), AUTH only under TLS.</summary>
    public SmtpExtensions EhloExtensions(bool tls) => BaseExtensions | (tls ? SmtpExtensions.Auth : SmtpExtensions.StartTls);
}
