using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Issue 9 (c): as (a), while new mail keeps arriving at 200 msg/s spread over all nodes.</summary>
[Collection(FleetCollection.Name)]
public sealed class ContinuousLoadTests(ITestOutputHelper output)
{
    private const int Queued = 3000;
    private const double PerSecond = 200;
    private static readonly TimeSpan LoadAfterKill = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Under_continuous_load_every_250_is_delivered_and_only_the_killed_node_refuses()
    {
        await using var fleet = await TestFleet.StartAsync(output);
        await fleet.RunAsync(async () =>
        {
            var load = await MailLoad.QueueAllAsync(fleet, Queued, sessionsPerNode: 16, output);

            // Bounded in count and time whatever happens: at most 60 s of load.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var running = load.RunPacedAsync(PerSecond, maxCount: (int)(PerSecond * 60), sessionsPerNode: 20, stop.Token);
            await Eventually.True(() => Task.FromResult(load.AcceptedCount >= Queued + 400 || running.IsCompleted), TimeSpan.FromSeconds(30), "the load running (400 more 250s)");

            var host = await fleet.HostOfDomainAsync();
            var killedAt = await host.KillAsync();
            load.Exclude(host);
            await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
            stop.CancelAfter(LoadAfterKill);
            await running;

            var sent = load.Submissions.Where(s => s.Index >= Queued).ToArray();
            // The node being killed may refuse or drop what it had; any other answer, or any refusal from a survivor, is a failure.
            var forbidden = sent.Where(s => !s.Accepted && !(s.Node == host.Number && s.Code is 421 or 451 or 0)).ToArray();
            output.WriteLine($"load: {sent.Length} sent in {(sent.Max(s => s.At) - sent.Min(s => s.At)).TotalSeconds:0.0} s, {sent.Count(s => s.Accepted)} got 250, " +
                $"{sent.Count(s => !s.Accepted && s.Node == host.Number)} refused or dropped by the killed node, {forbidden.Length} forbidden answers");
            foreach (var s in forbidden.Take(10)) output.WriteLine($"forbidden: node {s.Node} message {s.Index}: {s.Code} {s.Reply}");

            var promised = load.AcceptedIndexes;
            var deliveries = await Deliveries.WaitForAsync(sink, promised, TimeSpan.FromSeconds(75));
            output.WriteLine($"killed node {host.Number} (the domain's host): {deliveries.Summary(promised, killedAt, "the kill")}");

            Assert.Empty(forbidden.Take(5));
            await fleet.WriteQueueStateAsync(load, deliveries.Missing(promised));
            Assert.Empty(deliveries.Missing(promised));
            Assert.InRange(deliveries.Received.Min(r => r.At) - killedAt, TimeSpan.Zero, TimeSpan.FromSeconds(15));
            Assert.InRange(deliveries.FirstArrivals(promised).Max() - killedAt, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        });
    }
}
