using ActorMta.Contracts;
using ActorMta.Suppression;
using ActorMta.Tests.Queue;
using Akka.Actor;

namespace ActorMta.Tests.Suppression;

/// <summary>A suppression shard on the real SQLite journal: adds are answered once durable, and a restarted shard has them all (from its snapshot and the events after it).</summary>
public sealed class SuppressionShardTests : QueueTestKit
{
    // The first write creates the journal tables: seconds on a loaded machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly SuppressionSettings Shard = SuppressionSettings.Default with { SnapshotEvery = 10 };

    [Fact]
    public async Task A_restarted_shard_recovers_its_entries_from_the_snapshot_and_the_events_after_it()
    {
        var now = DateTimeOffset.UtcNow;
        var shard = Sys.ActorOf(SuppressionShard.Props(3, Shard, TimeProvider.System));
        // 25 entries in three adds: a snapshot after the second (20 changes), the third only as an event.
        foreach (var range in new[] { (0, 10), (10, 10), (20, 5) })
        {
            var entries = Enumerable.Range(range.Item1, range.Item2)
                .Select(i => new SuppressionEntry($"user{i}@example.com", SuppressionScope.Global, "test", "api", null, now)).ToArray();
            Assert.Equal(range.Item2, (await shard.Ask<RecipientsSuppressed>(new SuppressRecipients(3, entries), Timeout)).Count);
        }
        Assert.Equal(1, (await shard.Ask<SuppressionShard.Removed>(new SuppressionShard.Remove(3, "user7@example.com", null), Timeout)).Count);
        await WatchStopAsync(shard);

        var again = Sys.ActorOf(SuppressionShard.Props(3, Shard, TimeProvider.System));
        var summary = await again.Ask<SuppressionShard.Summary>(new SuppressionShard.GetSummary(3), Timeout);
        Assert.Equal(24, summary.Total);
        var verdict = await again.Ask<SuppressionVerdict>(new CheckSuppression(3, "user24@example.com", SuppressionScope.Of("a@b.example", null)), Timeout);
        Assert.Equal("user24@example.com", verdict.Match?.Recipient);
        Assert.Null((await again.Ask<SuppressionVerdict>(new CheckSuppression(3, "user7@example.com", [SuppressionScope.Global]), Timeout)).Match);
    }

    private async Task WatchStopAsync(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(actor);
    }
}
