using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Issue 9 (b): SIGTERM (a graceful leave) of the node running the domain's delivery actor while the next hop is down.</summary>
[Collection(FleetCollection.Name)]
public sealed class GracefulLeaveTests(ITestOutputHelper output)
{
    private const int Messages = 3000;

    [Fact]
    public async Task A_graceful_leave_of_the_domains_node_loses_and_duplicates_nothing_and_exits_0()
    {
        await using var fleet = await TestFleet.StartAsync(output);
        await fleet.RunAsync(async () =>
        {
            var load = await MailLoad.QueueAllAsync(fleet, Messages, sessionsPerNode: 16, output);

            var host = await fleet.HostOfDomainAsync();
            var terminatedAt = host.Terminate();
            var exit = host.WaitForExitCodeAsync(TimeSpan.FromSeconds(60));
            await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
            var promised = load.AcceptedIndexes;
            var deliveries = await Deliveries.WaitForAsync(sink, promised, TimeSpan.FromSeconds(45));
            output.WriteLine($"terminated node {host.Number} (the domain's host): {deliveries.Summary(promised, terminatedAt, "SIGTERM")}");
            var exitCode = await exit;
            output.WriteLine($"node {host.Number} exit code: {(exitCode is { } code ? code : "still running 60 s after SIGTERM")}");

            await fleet.WriteQueueStateAsync(load, deliveries.Missing(promised));
            Assert.Empty(deliveries.Missing(promised));
            Assert.Equal(0, deliveries.Duplicates);
            Assert.InRange(deliveries.FirstArrivals(promised).Max() - terminatedAt, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            Assert.Equal(0, exitCode);
        });
    }
}
