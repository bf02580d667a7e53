using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using ActorMta.Queue.Journal;
using Npgsql;

namespace ActorMta.Queue.Bodies;

/// <summary>A message body as stored: its queue id, its partition and the bytes (trace header included).</summary>
/// <param name="Spooled">Instead of <paramref name="Body"/>: a large body in a spool file, streamed into the store (never whole in memory).</param>
public sealed record StoredBody(string QueueId, int Partition, ReadOnlyMemory<byte> Body, SpooledBody? Spooled = null)
{
    public long Length => Spooled?.Length ?? Body.Length;
}

/// <summary>
/// Message bodies, beside the journal, where every node of a fleet can read them.
///
/// PostgreSQL (a fleet): bodies are committed without waiting for the disk (synchronous_commit=off).
/// The partition's journal write for the same message comes strictly later and is durable, and
/// PostgreSQL's WAL is one sequential log, so flushing the later commit flushes the body's commit
/// too: one fsync per accepted batch. A 250 is given only after that journal write.
///
/// SQLite (one node): bodies live in a file of their own (one writer per SQLite file) and are
/// committed durably there (WAL, synchronous=FULL) before the envelopes go to the journal: two
/// group-committed fsyncs per accepted batch, one per file.
///
/// Writes (stores and deletes) go through the node's one <see cref="BodyWriter"/>; reads open
/// pooled connections of their own (WAL readers do not wait for the writer). Microsoft.Data.Sqlite's
/// async methods complete synchronously, so on SQLite every read runs on a pool thread
/// (<see cref="OffCallerThread"/>): callers are actors, whose thread must not wait on a file lock.
/// Npgsql's async path is real and is awaited as it is.
/// </summary>
public sealed partial class MessageBodyStore : Contracts.IMessageBodyReader
{
    private const string Table = "actormta_message_body";

    private readonly JournalDatabase _database;
    private readonly BodyWriter _writer;
    private readonly RecentBodies? _recent;

    /// <param name="recentBodiesBytes">Memory for bodies stored lately (<see cref="RecentBodies"/>); 0: every read goes to the database.</param>
    public MessageBodyStore(JournalDatabase database, long recentBodiesBytes = 0)
    {
        _database = database;
        _writer = new BodyWriter(this);
        _recent = recentBodiesBytes > 0 ? new RecentBodies(recentBodiesBytes) : null;
    }

    /// <summary>Reads answered from memory (<see cref="RecentBodies"/>) rather than the database, since the start.</summary>
    public long ReadsFromMemory => Interlocked.Read(ref _readsFromMemory);
    private long _readsFromMemory;

    public JournalProvider Provider => _database.Settings.Provider;

    public async Task CreateTableAsync(CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        var blob = Provider == JournalProvider.Sqlite ? "BLOB" : "BYTEA";
        // PostgreSQL: CREATE ... IF NOT EXISTS from two nodes at once can fail (a duplicate pg_class row), so a
        // fleet's nodes take their turn under the journal layout's lock (Npgsql runs the commands in the transaction).
        await using var transaction = Provider == JournalProvider.PostgreSql ? await connection.BeginTransactionAsync(cancellation) : null;
        if (transaction is not null) await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({JournalLayout.PostgreSqlLockKey})", cancellation);
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
                queue_id VARCHAR(32) NOT NULL PRIMARY KEY,
                partition_number INTEGER NOT NULL,
                stored_at BIGINT NOT NULL,
                body {blob} NOT NULL)
            """, cancellation);
        await ExecuteAsync(connection, $"CREATE INDEX IF NOT EXISTS {Table}_partition ON {Table} (partition_number, stored_at)", cancellation);
        if (transaction is not null) await transaction.CommitAsync(cancellation);
    }

    /// <summary>
    /// A connection for the body writer (see the class summary). PostgreSQL: named by its application
    /// name (a pool of its own, and visible in pg_stat_activity); its commits that do not wait for the
    /// disk are set per transaction (<see cref="WriteRoundAsync"/>), never per session.
    /// </summary>
    internal async Task<DbConnection> OpenWriterAsync(CancellationToken cancellation)
    {
        if (Provider == JournalProvider.Sqlite) return await OpenAsync(cancellation);
        var writer = new NpgsqlConnectionStringBuilder(_database.Settings.BodiesConnectionString) { ApplicationName = "actormta-body-writer" };
        var connection = new NpgsqlConnection(writer.ConnectionString);
        await connection.OpenAsync(cancellation);
        return connection;
    }

    /// <summary>Stores the bodies; completes once they are committed (batched with other writes by the node's one body writer).</summary>
    public async Task StoreAsync(IReadOnlyList<StoredBody> bodies, DateTimeOffset now, CancellationToken cancellation)
    {
        await _writer.StoreAsync(bodies, now, cancellation).ConfigureAwait(false);
        // Only once committed: a body in memory is always one the database holds too. A body that is a
        // whole array of its own is kept as it is (no copy); a spooled one is never in memory.
        if (_recent is null) return;
        foreach (var body in bodies)
            if (body.Spooled is null && MemoryMarshal.TryGetArray(body.Body, out var segment) && segment is { Offset: 0, Array: { } array } && array.Length == segment.Count)
                _recent.Add(body.QueueId, array);
    }

    /// <summary>The body of a queued message, or null when it is not (or no longer) stored. Callers must not change the array.</summary>
    public Task<byte[]?> ReadAsync(string queueId, CancellationToken cancellation)
    {
        if (_recent?.Find(queueId) is { } recent)
        {
            Interlocked.Increment(ref _readsFromMemory);
            return Task.FromResult<byte[]?>(recent);
        }
        return OffCallerThread(() => ReadNowAsync(queueId, cancellation), cancellation);
    }

    private async Task<byte[]?> ReadNowAsync(string queueId, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT body FROM {Table} WHERE queue_id = {Parameter("id")}";
        AddParameter(select, Parameter("id"), DbType.String).Value = queueId;
        return await select.ExecuteScalarAsync(cancellation) as byte[];
    }

    /// <summary>Deletes the bodies (of completed messages); completes once committed.</summary>
    public Task DeleteAsync(IReadOnlyCollection<string> queueIds, CancellationToken cancellation)
    {
        if (_recent is not null)
            foreach (var queueId in queueIds) _recent.Remove(queueId);
        return _writer.DeleteAsync(queueIds, cancellation);
    }

    /// <summary>
    /// Deletes a partition's bodies stored before <paramref name="before"/> whose message the
    /// partition does not hold: left by a crash between the body write and the journal write
    /// (the client got no 250), or by a completion whose delete was lost.
    /// </summary>
    public async Task<int> DeleteOrphansAsync(int partition, DateTimeOffset before, IReadOnlySet<string> live, CancellationToken cancellation)
    {
        var orphans = await OffCallerThread(() => OrphansAsync(partition, before, live, cancellation), cancellation);
        await DeleteAsync(orphans, cancellation);
        return orphans.Count;
    }

    private async Task<List<string>> OrphansAsync(int partition, DateTimeOffset before, IReadOnlySet<string> live, CancellationToken cancellation)
    {
        var orphans = new List<string>();
        await using (var connection = await OpenAsync(cancellation))
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT queue_id FROM {Table} WHERE partition_number = {Parameter("p")} AND stored_at < {Parameter("t")}";
            AddParameter(select, Parameter("p"), DbType.Int32).Value = partition;
            AddParameter(select, Parameter("t"), DbType.Int64).Value = before.ToUnixTimeMilliseconds();
            await using var reader = await select.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var queueId = reader.GetString(0);
                if (!live.Contains(queueId)) orphans.Add(queueId);
            }
        }
        return orphans;
    }

    public Task<long> CountAsync(CancellationToken cancellation) => OffCallerThread(() => CountNowAsync(cancellation), cancellation);

    private async Task<long> CountNowAsync(CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {Table}";
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellation));
    }

    /// <summary>SQLite: on a pool thread (its "async" calls block); PostgreSQL: as it is (Npgsql's async is real).</summary>
    private Task<T> OffCallerThread<T>(Func<Task<T>> read, CancellationToken cancellation) =>
        Provider == JournalProvider.Sqlite ? Task.Run(read, cancellation) : read();

    private async Task<DbConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = _database.CreateBodiesConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }

    private string Parameter(string name) => Provider == JournalProvider.Sqlite ? "$" + name : "@" + name;

    private static DbParameter AddParameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
