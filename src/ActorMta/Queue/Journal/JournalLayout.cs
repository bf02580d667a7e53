using System.Data.Common;
using System.Globalization;
using ActorMta.Configuration;

namespace ActorMta.Queue.Journal;

/// <summary>
/// A count that shapes what is in the journal (the queue's partitions, the suppression list's shards), recorded in
/// the journal's database by the first node that starts on it, in a one-row table of its own. Checked before the
/// node runs anything: a node configured with another count would look for entities where nothing is, so it does
/// not start (exit 2), on every node of a fleet that shares the database.
/// </summary>
public static class JournalLayout
{
    /// <summary>Any constant: serializes the schema steps of a fleet's first starts on one PostgreSQL (see <see cref="RecordAsync"/>).</summary>
    internal const long PostgreSqlLockKey = 0x61637472_6d746131;

    /// <summary>Records <paramref name="count"/> on first start; throws <see cref="SettingException"/> naming <paramref name="setting"/> if another count is recorded.</summary>
    /// <param name="refusal">The explanation, given the recorded count.</param>
    public static async Task CheckAsync(JournalDatabase database, string table, string column, string setting, int count,
        Func<int, string> refusal, CancellationToken cancellation)
    {
        var recorded = await RecordAsync(database, table, column, setting, count, cancellation);
        if (recorded != count) throw SettingException.Conflict(setting, count.ToString(CultureInfo.InvariantCulture), refusal(recorded));
    }

    /// <summary>The recorded count: the one already in <paramref name="table"/>, else <paramref name="count"/>, now recorded.</summary>
    public static async Task<int> RecordAsync(JournalDatabase database, string table, string column, string setting, int count, CancellationToken cancellation)
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
            await ScalarAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS {table} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), {column} INTEGER NOT NULL)", cancellation);
            await ScalarAsync(connection, transaction, $"INSERT INTO {table} (id, {column}) VALUES (1, {count.ToString(CultureInfo.InvariantCulture)}) ON CONFLICT (id) DO NOTHING", cancellation);
            var recorded = Convert.ToInt32(await ScalarAsync(connection, transaction, $"SELECT {column} FROM {table} WHERE id = 1", cancellation), CultureInfo.InvariantCulture);
            await transaction.CommitAsync(cancellation);
            return recorded;
        }
        catch (DbException e)
        {
            throw new JournalUnavailableException($"journal: cannot record the count of {setting} in {table} ({database.Settings}): {e.Message}", e);
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
