using System.Data.Common;
using System.Globalization;
using ActorMta.Configuration;

namespace ActorMta.Queue.Journal;

/// <summary>
/// The queue's partition count, recorded in the journal's database by the first node that starts
/// on it. Queue ids name their partition, so a node with another count would route messages to
/// partitions that do not hold them: such a node refuses to start.
/// </summary>
public static class QueueLayout
{
    private const string Table = "actormta_queue_layout";
    // Any constant: serializes first starts of a fleet on one PostgreSQL (see RecordAsync).
    private const long PostgreSqlLockKey = 0x61637472_6d746131;

    /// <summary>Records <paramref name="partitions"/> on first start; throws <see cref="SettingException"/> if another count is recorded.</summary>
    public static async Task CheckPartitionsAsync(JournalDatabase database, int partitions, CancellationToken cancellation)
    {
        var recorded = await RecordAsync(database, partitions, cancellation);
        if (recorded != partitions)
            throw SettingException.Conflict("actormta.queue.partitions", partitions.ToString(CultureInfo.InvariantCulture),
                $"this queue was created with {recorded} partitions (recorded in the journal database); a queue's partition count cannot change");
    }

    /// <summary>The recorded count: the one already there, else <paramref name="partitions"/>, now recorded.</summary>
    public static async Task<int> RecordAsync(JournalDatabase database, int partitions, CancellationToken cancellation)
    {
        try
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellation);
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            // Concurrent CREATE TABLE IF NOT EXISTS can fail in PostgreSQL (a duplicate pg_type row): one node at a time.
            if (database.Settings.Provider == JournalProvider.PostgreSql)
                await ScalarAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgreSqlLockKey})", cancellation);
            // One row at most: the key can only be 1, and a second insert does nothing.
            await ScalarAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS {Table} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), partitions INTEGER NOT NULL)", cancellation);
            await ScalarAsync(connection, transaction, $"INSERT INTO {Table} (id, partitions) VALUES (1, {partitions.ToString(CultureInfo.InvariantCulture)}) ON CONFLICT (id) DO NOTHING", cancellation);
            var recorded = Convert.ToInt32(await ScalarAsync(connection, transaction, $"SELECT partitions FROM {Table} WHERE id = 1", cancellation), CultureInfo.InvariantCulture);
            await transaction.CommitAsync(cancellation);
            return recorded;
        }
        catch (DbException e)
        {
            throw new JournalUnavailableException($"journal: cannot record the queue's partition count ({database.Settings}): {e.Message}", e);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellation);
    }
}
