using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Issue 9 (g): one node (SQLite journal) killed with deliveries in flight, then started again on the same data.</summary>
[Collection(FleetCollection.Name)]
public sealed class SingleNodeRestartTests(ITestOutputHelper output)
{
    private const int Messages = 300;

    [Fact]
    public async Task Everything_that_got_a_250_is_delivered_within_30_s_of_the_restarted_node_being_ready()
    {
        // A rate limit keeps delivery going for about 15 s, so the kill lands in the middle of it.
        await using var fleet = await TestFleet.StartAsync(output, size: 1, journalProvider: "sqlite",
            hocon: $$"""actormta.delivery.domains."{{TestFleet.Domain}}" { max-messages-per-second = 20 }""");
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
        await fleet.RunAsync(async () =>
        {
            var node = fleet.Nodes[0];
            var load = await MailLoad.QueueAllAsync(fleet, Messages, sessionsPerNode: 8, output);

            await sink.WaitUntilAsync(s => s.Messages.Count >= Messages / 4, TimeSpan.FromSeconds(60), "a quarter of the messages delivered");
            var killedAt = await node.KillAsync();
            var deliveredBeforeKill = sink.Messages.Count;
            await node.RestartAsync(TimeSpan.FromSeconds(90));
            var readyAt = DateTimeOffset.UtcNow;
            var promised = load.AcceptedIndexes;
            var deliveries = await Deliveries.WaitForAsync(sink, promised, TimeSpan.FromSeconds(45));
            output.WriteLine($"killed at {killedAt:HH:mm:ss.fff} UTC after {deliveredBeforeKill} deliveries, ready again {(readyAt - killedAt).TotalSeconds:0.0} s later: " +
                deliveries.Summary(promised, readyAt, "ready"));

            await fleet.WriteQueueStateAsync(load, deliveries.Missing(promised));
            Assert.Empty(deliveries.Missing(promised));
            Assert.True(deliveries.FirstArrivals(promised).Max() - readyAt <= TimeSpan.FromSeconds(30),
                $"the last message arrived {(deliveries.FirstArrivals(promised).Max() - readyAt).TotalSeconds:0.0} s after the restarted node was ready");
        });
    }
}
