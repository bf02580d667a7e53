using ActorMta.Configuration;
using ActorMta.Ingress.Auth;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Sessions;
using ActorMta.Ingress.Tls;

namespace ActorMta.Ingress;

/// <summary>Everything under actormta.smtp: listeners, relay policy, limits, timeouts, TLS and AUTH.</summary>
/// <param name="Greeting">Text after the host name in the 220 greeting.</param>
/// <param name="MaxConnections">Open SMTP connections on this node, all listeners together (421 4.7.0 past it).</param>
/// <param name="MaxConnectionsPerClient">Open connections from one client (see <paramref name="ClientGroups"/>) outside the trusted networks.</param>
/// <param name="ClientGroups">Which addresses count as one client for the per-client limits (IPv6 by prefix).</param>
public sealed record IngressSettings(
    IReadOnlyList<ListenerSettings> Listeners,
    string Greeting,
    TrustedNetworks TrustedNetworks,
    AcceptedDomains AcceptedDomains,
    int MaxConnections,
    int MaxConnectionsPerClient,
    ClientGroups ClientGroups,
    SessionLimits Limits,
    SessionTimeouts Timeouts,
    TlsSettings Tls,
    AuthSettings Auth,
    SessionCaps Caps,
    TurnAwaySettings TurnAway,
    RecipientValidation RecipientValidation)
{
    /// <summary>Where large message bodies go while they arrive (DATA/spool); null: every body stays in memory.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Slots beyond <see cref="MaxConnections"/> that only trusted clients may take.</summary>
    public int ReservedForTrusted { get; init; }

    public static IngressSettings From(SettingsReader settings, NodeSettings node)
    {
        var greeting = settings.String("actormta.smtp.greeting");
        if (greeting.Any(char.IsControl)) throw new SettingException("actormta.smtp.greeting", greeting, "one line of text");
        return new IngressSettings(
            ListenerSettings.ListFrom(settings, "actormta.smtp.listeners"),
            greeting,
            TrustedNetworks.Parse(settings.List("actormta.smtp.trusted-networks"), "actormta.smtp.trusted-networks"),
            AcceptedDomains.Parse(settings.List("actormta.smtp.accepted-domains"), "actormta.smtp.accepted-domains"),
            settings.Int("actormta.smtp.max-connections", 1, 1_000_000),
            settings.Int("actormta.smtp.max-connections-per-client", 1, 1_000_000),
            ClientGroups.From(settings),
            SessionLimits.From(settings),
            SessionTimeouts.From(settings),
            TlsSettings.From(settings, node.DataDirectory),
            AuthSettings.From(settings, node.DataDirectory),
            SessionCaps.From(settings),
            TurnAwaySettings.From(settings),
            RecipientValidation.From(settings, node.DataDirectory, TimeProvider.System))
        {
            SpoolDirectory = Path.Combine(node.DataDirectory, "spool"),
            ReservedForTrusted = settings.Int("actormta.smtp.reserved-for-trusted", 0, 1_000_000),
        };
    }
}
