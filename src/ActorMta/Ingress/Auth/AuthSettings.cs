using ActorMta.Configuration;

namespace ActorMta.Ingress.Auth;

/// <param name="CredentialsFile">The users file (absolute; a relative setting is under the data directory).</param>
/// <param name="MaxFailures">Failed AUTH attempts on one connection before it is closed and the address penalised.</param>
/// <param name="FailureDelay">How late AUTH answers come to a penalised address.</param>
/// <param name="PenaltyTime">How long an address stays penalised.</param>
public sealed record AuthSettings(string CredentialsFile, int MaxFailures, TimeSpan FailureDelay, TimeSpan PenaltyTime)
{
    public static AuthSettings From(SettingsReader settings, string dataDirectory) => new(
        Path.GetFullPath(settings.String("actormta.smtp.auth.credentials-file", allowEmpty: false), dataDirectory),
        settings.Int("actormta.smtp.auth.max-failures", 1, 100),
        settings.Duration("actormta.smtp.auth.failure-delay"),
        settings.Duration("actormta.smtp.auth.penalty-time"));
}
