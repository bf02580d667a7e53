using ActorMta.Configuration;
using ActorMta.Queue.Journal;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Queue;

/// <summary>The partition count is recorded once in the journal's database; a node with another count does not start.</summary>
public sealed class QueueLayoutTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgresql" };

    /// <summary>An empty journal database of <paramref name="provider"/> (sqlite or postgresql).</summary>
    internal static async Task<(JournalDatabase Journal, TempDirectory Directory)> Database(string provider)
    {
        var directory = new TempDirectory();
        if (provider == "sqlite") return (QueueTestKit.SqliteJournal(directory), directory);
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var journal = new JournalDatabase(new JournalSettings(JournalProvider.PostgreSql, connectionString, TimeSpan.FromSeconds(10), connectionString));
        await journal.PrepareAsync(CancellationToken.None);
        return (journal, directory);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_first_count_is_recorded_and_another_one_is_refused_with_one_line(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;

        await QueueLayout.CheckPartitionsAsync(journal, 16, CancellationToken.None);
        await QueueLayout.CheckPartitionsAsync(journal, 16, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SettingException>(() => QueueLayout.CheckPartitionsAsync(journal, 32, CancellationToken.None));

        Assert.Equal("invalid setting actormta.queue.partitions = \"32\": this queue was created with 16 partitions " +
            "(recorded in the journal database); a queue's partition count cannot change", refused.Message);
        Assert.Equal(1, await RowsAsync(journal));
    }

    [Fact]
    public async Task Concurrent_first_starts_on_one_PostgreSQL_record_one_count()
    {
        var (journal, directory) = await Database("postgresql");
        using var _ = directory;

        // Three nodes starting at once with different counts: exactly one count wins, the others are refused with it.
        var counts = new[] { 8, 16, 32 };
        var starts = counts.Select(n => Task.Run(() => QueueLayout.RecordAsync(journal, n, CancellationToken.None))).ToArray();
        var recorded = await Task.WhenAll(starts);

        Assert.Single(recorded.Distinct());
        Assert.Contains(recorded[0], counts);
        Assert.Equal(1, await RowsAsync(journal));
        foreach (var n in counts.Where(n => n != recorded[0]))
            Assert.Contains($"created with {recorded[0]} partitions",
                (await Assert.ThrowsAsync<SettingException>(() => QueueLayout.CheckPartitionsAsync(journal, n, CancellationToken.None))).Message);
    }

    private static async Task<long> RowsAsync(JournalDatabase journal)
    {
        await using var connection = journal.CreateConnection();
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM actormta_queue_layout";
        return Convert.ToInt64(await count.ExecuteScalarAsync());
    }
}
