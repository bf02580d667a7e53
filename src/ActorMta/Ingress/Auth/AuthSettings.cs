using ActorMta.Configuration;

namespace ActorMta.Ingress.Auth;

/// <param name="CredentialsFile">The users file (absolute; a relative setting is under the data directory).</param>
/// <param name="MaxFailures">Failed AUTH attempts of one client (address, IPv6 prefix), over all its connections, before it is penalised; a connection that reaches it is closed.</param>
/// <param name="FailureDelay">How late a penalised client hears its 454 (a tarpit: guessing gets slow as well as refused).</param>
/// <param name="PenaltyTime">How long a client stays penalised, and how long its failures are remembered.</param>
/// <param name="TrackedClients">Clients whose failures are remembered at most; the least recently seen are forgotten first.</param>
/// <param name="ParallelVerifications">Password checks (PBKDF2) running at once on the node.</param>
/// <param name="QueuedVerifications">Password checks waiting for one of those; more get 454 4.7.0 at once.</param>
public sealed record AuthSettings(string CredentialsFile, int MaxFailures, TimeSpan FailureDelay, TimeSpan PenaltyTime,
    int TrackedClients = 100_000, int ParallelVerifications = 2, int QueuedVerifications = 100)
{
    public static AuthSettings From(SettingsReader settings, string dataDirectory) => new(
        Path.GetFullPath(settings.String("actormta.smtp.auth.credentials-file", allowEmpty: false), dataDirectory),
        settings.Int("actormta.smtp.auth.max-failures", 1, 100),
        settings.Duration("actormta.smtp.auth.failure-delay"),
        settings.Duration("actormta.smtp.auth.penalty-time"),
        settings.Int("actormta.smtp.auth.tracked-clients", 1, 10_000_000),
        settings.Int("actormta.smtp.auth.max-parallel-verifications", 1, 1024),
        settings.Int("actormta.smtp.auth.max-queued-verifications", 0, 100_000));

    public VerificationSlots NewVerificationSlots() => new(ParallelVerifications, QueuedVerifications);
}
