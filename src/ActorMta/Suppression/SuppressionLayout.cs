using ActorMta.Queue.Journal;

namespace ActorMta.Suppression;

/// <summary>
/// The suppression list's shard count, recorded in the journal's database by the first node that starts on it.
/// An entry lives in the shard its recipient hashes to over that count: a node with another count would check,
/// list and remove in the wrong shards, showing the list as (partly) empty while the entries stay in the journal.
/// Such a node refuses to start (exit 2) instead; so the RCPT check and the API never run on a wrong count.
/// </summary>
public static class SuppressionLayout
{
    private const string Table = "actormta_suppression_layout";

    /// <summary>Records <paramref name="shards"/> on first start; throws <see cref="Configuration.SettingException"/> if another count is recorded.</summary>
    public static Task CheckShardsAsync(JournalDatabase database, int shards, CancellationToken cancellation) =>
        JournalLayout.CheckAsync(database, Table, "shards", "actormta.suppression.shards", shards, recorded =>
            $"this suppression list was created with {recorded} shards (recorded in the journal database); its entries stay in the shard "
            + "their recipient hashed to, so the count cannot change", cancellation);
}
