using ActorMta.Ingress.Listeners;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Ingress.Tls;

/// <summary>
/// /health/ready's detail on the SMTP certificate: which one is presented, until when, and whether it is
/// the generated self-signed one serving AUTH or changed files were refused. Detail only: mail still
/// flows with any of these, so the node stays ready (expired is Degraded, still 200).
/// </summary>
public sealed class ServerCertificateHealthCheck(ServerCertificate certificate, IReadOnlyList<ListenerSettings> listeners, TimeProvider clock)
    : IAkkaHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken)
    {
        var presented = certificate.Certificate;
        var notAfter = new DateTimeOffset(presented.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var detail = IngressStage.SelfSignedWarning(certificate, listeners)
            ?? $"{presented.Subject}, valid until {notAfter:yyyy-MM-dd HH:mm}Z";
        if (certificate.LastReloadError is { } error) detail += $"; changed certificate files were not taken: {error}";
        return Task.FromResult(notAfter < clock.GetUtcNow()
            ? HealthCheckResult.Degraded($"expired: {detail}")
            : HealthCheckResult.Healthy(detail));
    }
}
