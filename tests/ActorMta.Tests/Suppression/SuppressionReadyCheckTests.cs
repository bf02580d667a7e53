using System.Collections.Concurrent;
using ActorMta.Contracts;
using ActorMta.Suppression;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Tests.Suppression;

/// <summary>/health/ready's suppression gate: closed until every shard has answered once, then open for good.</summary>
public sealed class SuppressionReadyCheckTests : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>A region whose shards answer only when listed in <paramref name="answering"/>.</summary>
    private sealed class Region : ReceiveActor
    {
        public Region(ConcurrentDictionary<int, bool> answering) =>
            Receive<CheckSuppression>(check =>
            {
                if (answering.ContainsKey(check.Shard)) Sender.Tell(new SuppressionVerdict(check.Recipient, null));
            });
    }

    [Fact]
    public async Task Not_ready_until_every_shard_has_answered_then_ready_even_when_a_shard_goes_quiet()
    {
        var answering = new ConcurrentDictionary<int, bool>();
        foreach (var shard in new[] { 0, 1, 3 }) answering[shard] = true;
        var registry = ActorRegistry.For(Sys);
        registry.Register<SuppressionRegion>(Sys.ActorOf(Props.Create(() => new Region(answering))));
        var context = new AkkaHealthCheckContext(Sys);
        var check = new SuppressionReadyCheck(4, TimeSpan.FromMilliseconds(300));

        var starting = await check.CheckHealthAsync(context, CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, starting.Status);
        Assert.StartsWith("1 of 4 suppression shards have not answered", starting.Description);

        answering[2] = true;
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, CancellationToken.None)).Status);

        // Open for good: a shard that moves later does not take the node out of service.
        answering.Clear();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, CancellationToken.None)).Status);
    }
}
