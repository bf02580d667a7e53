namespace ActorMta.Queue.Journal;

/// <summary>
/// The queue's partition count, recorded in the journal's database by the first node that starts
/// on it. Queue ids name their partition, so a node with another count would route messages to
/// partitions that do not hold them: such a node refuses to start.
/// </summary>
public static class QueueLayout
{
    private const string Table = "actormta_queue_layout";
    private const string Column = "partitions";
    private const string Setting = "actormta.queue.partitions";

    /// <summary>Records <paramref name="partitions"/> on first start; throws <see cref="Configuration.SettingException"/> if another count is recorded.</summary>
    public static Task CheckPartitionsAsync(JournalDatabase database, int partitions, CancellationToken cancellation) =>
        JournalLayout.CheckAsync(database, Table, Column, Setting, partitions, recorded =>
            $"this queue was created with {recorded} partitions (recorded in the journal database); a queue's partition count cannot change", cancellation);

    /// <summary>The recorded count: the one already there, else <paramref name="partitions"/>, now recorded.</summary>
    public static Task<int> RecordAsync(JournalDatabase database, int partitions, CancellationToken cancellation) =>
        JournalLayout.RecordAsync(database, Table, Column, Setting, partitions, cancellation);
}
