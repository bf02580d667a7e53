using ActorMta.Queue.Journal;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Management;

/// <summary>Ready only if a write through the journal succeeds within the probe timeout.</summary>
public sealed class JournalHealthCheck(TimeSpan timeout) : IAkkaHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var probe = await context.ActorRegistry.GetAsync<JournalWriteProbe>(cancellationToken);
            var written = await probe.Ask<JournalWriteProbe.Written>(JournalWriteProbe.Probe.Instance, timeout, cancellationToken);
            return HealthCheckResult.Healthy($"journal write #{written.SequenceNr} committed");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"journal write not committed within {timeout.TotalSeconds:0.#}s");
        }
    }
}
