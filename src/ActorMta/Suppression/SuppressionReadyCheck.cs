using ActorMta.Contracts;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Suppression;

/// <summary>
/// /health/ready's start-up gate on the suppression list: not ready until every shard has answered a check once since
/// this node started. Until then a RCPT waits up to check-timeout for a recovering shard and is then accepted
/// unchecked; a load balancer that waits for ready sends no mail into that window. Once open, the gate stays open: a
/// shard that moves later (a node lost, a rebalance) must not take every node of the fleet out of service; those
/// checks are counted in actormta_ingress_suppression_unanswered_total instead.
/// </summary>
public sealed class SuppressionReadyCheck(int shards, TimeSpan timeout) : IAkkaHealthCheck
{
    /// <summary>An address no one sends to: the check only asks the shard to answer.</summary>
    private const string Probe = "ready-check@suppression.invalid";
    private volatile bool _open;

    public async Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken)
    {
        if (_open) return HealthCheckResult.Healthy($"all {shards} suppression shards answered since start");
        var region = await context.ActorRegistry.GetAsync<SuppressionRegion>(cancellationToken);
        var asks = Enumerable.Range(0, shards).Select(async shard =>
        {
            try
            {
                await region.Ask<SuppressionVerdict>(new CheckSuppression(shard, Probe, [SuppressionScope.Global]), timeout, cancellationToken);
                return true;
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
            {
                return false;
            }
        });
        var silent = (await Task.WhenAll(asks)).Count(answered => !answered);
        if (silent > 0) return HealthCheckResult.Unhealthy($"{silent} of {shards} suppression shards have not answered within {timeout.TotalSeconds:0.#}s yet (starting or recovering)");
        _open = true;
        return HealthCheckResult.Healthy($"all {shards} suppression shards answered since start");
    }
}
