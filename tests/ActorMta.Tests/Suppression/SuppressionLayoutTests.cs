using ActorMta.Configuration;
using ActorMta.Queue.Journal;
using ActorMta.Suppression;
using ActorMta.Tests.Queue;

namespace ActorMta.Tests.Suppression;

/// <summary>The suppression list's shard count is recorded once in the journal's database, beside (not in) the queue's partition count.</summary>
public sealed class SuppressionLayoutTests
{
    [Theory]
    [MemberData(nameof(QueueLayoutTests.Providers), MemberType = typeof(QueueLayoutTests))]
    public async Task The_first_shard_count_is_recorded_and_another_one_is_refused_naming_both(string provider)
    {
        var (journal, directory) = await QueueLayoutTests.Database(provider);
        using var _ = directory;
        await QueueLayout.CheckPartitionsAsync(journal, 16, CancellationToken.None);

        await SuppressionLayout.CheckShardsAsync(journal, 32, CancellationToken.None);
        await SuppressionLayout.CheckShardsAsync(journal, 32, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SettingException>(() => SuppressionLayout.CheckShardsAsync(journal, 16, CancellationToken.None));

        Assert.Equal("invalid setting actormta.suppression.shards = \"16\": this suppression list was created with 32 shards (recorded in the journal " +
            "database); its entries stay in the shard their recipient hashed to, so the count cannot change", refused.Message);
        // Each count in its own table: the queue's 16 partitions did not become the list's shard count, nor the other way round.
        await QueueLayout.CheckPartitionsAsync(journal, 16, CancellationToken.None);
    }
}
