using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Issue 9 (a): SIGKILL of the node running the domain's delivery actor while the next hop is down.</summary>
[Collection(FleetCollection.Name)]
public sealed class KillWithNextHopDownTests(ITestOutputHelper output)
{
    private const int Messages = 3000;

    [Fact]
    public async Task Every_250_is_delivered_after_the_domains_node_is_killed_and_the_next_hop_comes_up()
    {
        await using var fleet = await TestFleet.StartAsync(output);
        await fleet.RunAsync(async () =>
        {
            var load = await MailLoad.QueueAllAsync(fleet, Messages, sessionsPerNode: 16, output);

            var host = await fleet.HostOfDomainAsync();
            var killedAt = await host.KillAsync();
            await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
            var promised = load.AcceptedIndexes;
            var deliveries = await Deliveries.WaitForAsync(sink, promised, TimeSpan.FromSeconds(75));
            output.WriteLine($"killed node {host.Number} (the domain's host): {deliveries.Summary(promised, killedAt, "the kill")}");

            await fleet.WriteQueueStateAsync(load, deliveries.Missing(promised));
            Assert.Empty(deliveries.Missing(promised));
            Assert.InRange(deliveries.Received.Min(r => r.At) - killedAt, TimeSpan.Zero, TimeSpan.FromSeconds(15));
            Assert.InRange(deliveries.FirstArrivals(promised).Max() - killedAt, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        });
    }
}
