using ActorMta.Configuration;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// How long one session may hold its connection slot, whatever it does: a client sending NOOP just
/// inside the command timeout would otherwise hold it for ever. Past either cap, at the next command:
/// 421 and close (a message in progress is finished first; the client reconnects).
/// </summary>
/// <param name="MaxDuration">From connect; the session then hears 421 4.4.2.</param>
/// <param name="MaxCommands">Commands answered; then 421 4.7.0.</param>
public sealed record SessionCaps(TimeSpan MaxDuration, int MaxCommands)
{
    public static SessionCaps From(SettingsReader settings) => new(
        settings.Duration("actormta.smtp.max-session-duration", TimeSpan.FromSeconds(1)),
        settings.Int("actormta.smtp.max-commands-per-session", 1, 100_000_000));
}
