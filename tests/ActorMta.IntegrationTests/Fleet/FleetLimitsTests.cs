using System.Globalization;
using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Issue 9 (e): a domain's limits hold for the fleet as a whole, also across the SIGKILL of the node enforcing them.</summary>
[Collection(FleetCollection.Name)]
public sealed class FleetLimitsTests(ITestOutputHelper output)
{
    private const int Messages = 1200;
    private const int MaxConnections = 3;
    private const double PerSecond = 30;
    private const double Tolerance = 3;

    [Fact]
    public async Task Connections_and_rate_stay_within_the_domains_limits_before_and_after_its_node_is_killed()
    {
        await using var fleet = await TestFleet.StartAsync(output,
            hocon: $$"""actormta.delivery.domains."{{TestFleet.Domain}}" { max-messages-per-second = {{PerSecond}}, max-connections = {{MaxConnections}} }""");
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
        await fleet.RunAsync(async () =>
        {
            var load = await MailLoad.QueueAllAsync(fleet, Messages, sessionsPerNode: 8, output);

            await sink.WaitUntilAsync(s => s.Messages.Count >= Messages / 2, TimeSpan.FromSeconds(60), "half of the messages delivered");
            var host = await fleet.HostOfDomainAsync();
            var killedAt = await host.KillAsync();
            var promised = load.AcceptedIndexes;
            var deliveries = await Deliveries.WaitForAsync(sink, promised, TimeSpan.FromSeconds(120));
            output.WriteLine($"killed node {host.Number} (the domain's host): {deliveries.Summary(promised, killedAt, "the kill")}");

            // The rate over each delivery window: (deliveries in it - 1) / (its last - its first arrival). The windows are
            // split by connection: those opened before the kill (the killed node's, whose last transaction may complete
            // just after the kill's timestamp) and those opened after it (the restarted actor's). Each window is bounded
            // by its own deliveries, so the gap between them (failure detection, downing, restart) belongs to neither.
            var before = deliveries.Received.Where(r => r.ConnectedAt < killedAt).Select(r => r.At).Order().ToArray();
            var after = deliveries.Received.Where(r => r.ConnectedAt >= killedAt).Select(r => r.At).Order().ToArray();
            output.WriteLine($"before the kill: {Describe(before)}; after: {Describe(after)}; gap {(after.FirstOrDefault() - before.LastOrDefault()).TotalSeconds:0.0} s; " +
                $"peak concurrent connections {sink.MaxConcurrentConnections}, {sink.TotalConnections} in all");

            await fleet.WriteQueueStateAsync(load, deliveries.Missing(promised));
            Assert.Empty(deliveries.Missing(promised));
            Assert.InRange(sink.MaxConcurrentConnections, 1, MaxConnections);
            // Never faster than the fleet-wide limit, on either side of the kill (recorded times). The limit, not
            // the machine, paces the run: some two-second stretch runs at it. A loaded machine may slow the
            // average, and that is right (the limiter's own average is RateLimiterTests', on a fake clock).
            Assert.True(Rate(before) <= PerSecond + Tolerance, $"before the kill: {Describe(before)}");
            Assert.True(Rate(after) <= PerSecond + Tolerance, $"after the kill: {Describe(after)}");
            var all = deliveries.Received.Select(r => r.At).Order().ToArray();
            var busiest = all.Select((at, i) => all.Skip(i).TakeWhile(t => t - at < TimeSpan.FromSeconds(2)).Count()).Max();
            Assert.InRange(busiest, 2 * PerSecond - Tolerance, 2 * PerSecond + 2 * Tolerance);
        });
    }

    private static double Rate(DateTimeOffset[] window) =>
        window.Length < 2 ? double.NaN : (window.Length - 1) / (window[^1] - window[0]).TotalSeconds;

    /// <summary>Count, span, average rate, and the busiest second (a burst the average would hide).</summary>
    private static string Describe(DateTimeOffset[] window)
    {
        if (window.Length < 2) return $"{window.Length} deliveries";
        var busiest = window.Select((at, i) => window.Skip(i).TakeWhile(t => t - at < TimeSpan.FromSeconds(1)).Count()).Max();
        return string.Create(CultureInfo.InvariantCulture,
            $"{window.Length} deliveries over {(window[^1] - window[0]).TotalSeconds:0.0} s = {Rate(window):0.0} msg/s (busiest second {busiest})");
    }
}
