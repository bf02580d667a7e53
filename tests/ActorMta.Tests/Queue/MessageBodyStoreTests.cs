using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Journal;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Queue;

public sealed class MessageBodyStoreTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgresql" };

    private static async Task<(JournalDatabase Journal, TempDirectory Directory)> Database(string provider)
    {
        var directory = new TempDirectory();
        if (provider == "sqlite") return (QueueTestKit.SqliteJournal(directory), directory);
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var settings = new JournalSettings(JournalProvider.PostgreSql, connectionString, TimeSpan.FromSeconds(10), connectionString);
        var journal = new JournalDatabase(settings);
        await journal.PrepareAsync(CancellationToken.None);
        return (journal, directory);
    }

    [Fact]
    public async Task A_fleet_s_nodes_starting_together_on_a_fresh_PostgreSQL_all_create_the_bodies_table()
    {
        // CREATE TABLE IF NOT EXISTS from two sessions at once can fail in PostgreSQL (a duplicate pg_class row):
        // three nodes of a clean .ci/run failed to start that way.
        for (var database = 0; database < 5; database++)
        {
            var (journal, directory) = await Database("postgresql");
            using var _ = directory;
            var starts = Enumerable.Range(0, 16).Select(_ => Task.Run(() => new MessageBodyStore(journal).CreateTableAsync(CancellationToken.None)));
            await Task.WhenAll(starts);
            Assert.Equal(0, await new MessageBodyStore(journal).CountAsync(CancellationToken.None));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bodies_are_stored_read_byte_exact_and_deleted(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        await store.CreateTableAsync(CancellationToken.None); // idempotent on every start

        var bodies = Enumerable.Range(0, 50).Select(i => new StoredBody(QueueId.New(i % 4, DateTimeOffset.UtcNow), i % 4,
            Enumerable.Range(0, 1000 + i).Select(b => (byte)(b * 7 + i)).ToArray())).ToArray();
        await store.StoreAsync(bodies, DateTimeOffset.UtcNow, CancellationToken.None);

        foreach (var body in bodies)
            Assert.Equal(body.Body.ToArray(), await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Equal(50, await store.CountAsync(CancellationToken.None));

        await store.DeleteAsync(bodies.Take(20).Select(b => b.QueueId).ToArray(), CancellationToken.None);
        Assert.Equal(30, await store.CountAsync(CancellationToken.None));
        Assert.Null(await store.ReadAsync(bodies[0].QueueId, CancellationToken.None));
    }

    /// <summary>
    /// Microsoft.Data.Sqlite's async methods run synchronously: a read that waits for a lock would hold the
    /// caller's thread (an actor's). The store's reads must return at once and do their I/O elsewhere.
    /// </summary>
    [Fact]
    public async Task A_SQLite_read_that_waits_for_a_lock_does_not_hold_the_callers_thread()
    {
        using var directory = new TempDirectory();
        var journal = QueueTestKit.SqliteJournal(directory);
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        var body = new StoredBody(QueueId.New(1, DateTimeOffset.UtcNow), 1, new byte[] { 1, 2, 3 });
        await store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None);

        // A connection in exclusive locking mode holds the file from its first read on: others wait for it (busy timeout).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // idle pooled connections would keep it from the exclusive lock
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection(journal.Settings.BodiesConnectionString + ";Pooling=False");
        await holder.OpenAsync();
        await Execute(holder, "PRAGMA locking_mode=EXCLUSIVE");
        await Execute(holder, "SELECT COUNT(*) FROM actormta_message_body");

        var read = store.ReadAsync(body.QueueId, CancellationToken.None);
        var count = store.CountAsync(CancellationToken.None);
        var sweep = store.DeleteOrphansAsync(1, DateTimeOffset.UtcNow.AddHours(1), new HashSet<string> { body.QueueId }, CancellationToken.None);
        Assert.False(read.IsCompleted, "the read ran on the caller's thread");
        Assert.False(count.IsCompleted, "the count ran on the caller's thread");
        Assert.False(sweep.IsCompleted, "the sweep ran on the caller's thread");

        await holder.CloseAsync(); // not pooled: closing releases the file
        Assert.Equal(new byte[] { 1, 2, 3 }, await read);
        Assert.Equal(1, await count);
        Assert.Equal(0, await sweep);
    }

    private static async Task Execute(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteScalarAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Orphan_sweep_deletes_only_old_bodies_of_its_partition_that_it_does_not_hold(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        var old = DateTimeOffset.UtcNow.AddHours(-1);
        var live = new StoredBody(QueueId.New(1, old), 1, new byte[] { 1 });
        var orphan = new StoredBody(QueueId.New(1, old), 1, new byte[] { 2 });
        var otherPartition = new StoredBody(QueueId.New(2, old), 2, new byte[] { 3 });
        var recent = new StoredBody(QueueId.New(1, DateTimeOffset.UtcNow), 1, new byte[] { 4 });
                    await store.StoreAsync([live, orphan, otherPartition], old, CancellationToken.None);
            await store.StoreAsync([recent], DateTimeOffset.UtcNow, CancellationToken.None);

        var deleted = await store.DeleteOrphansAsync(1, DateTimeOffset.UtcNow.AddMinutes(-10), new HashSet<string> { live.QueueId }, CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Null(await store.ReadAsync(orphan.QueueId, CancellationToken.None));
        Assert.NotNull(await store.ReadAsync(live.QueueId, CancellationToken.None));
        Assert.NotNull(await store.ReadAsync(otherPartition.QueueId, CancellationToken.None));
        Assert.NotNull(await store.ReadAsync(recent.QueueId, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Journal_connections_stay_durable_after_body_writers_ran(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {            await store.StoreAsync([new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, new byte[] { 1 })], DateTimeOffset.UtcNow, CancellationToken.None);
        }

        // Connections from the journal's own connection string (the pool Akka.Persistence.Sql draws
        // from) must commit durably: a PostgreSQL body writer's synchronous_commit=off must not leak into it.
        for (var i = 0; i < 5; i++)
        {
            await using var connection = journal.CreateConnection();
            await connection.OpenAsync();
            await using var setting = connection.CreateCommand();
            setting.CommandText = provider == "sqlite" ? "PRAGMA synchronous" : "SHOW synchronous_commit";
            Assert.Equal(provider == "sqlite" ? "2" : "on", (await setting.ExecuteScalarAsync())?.ToString());
        }
    }

    [Fact]
    public async Task A_pooled_body_writer_connection_answers_synchronous_commit_on_after_a_write()
    {
        // A transaction-mode pooler (PgBouncer) hands a server connection to whoever comes next
        // without resetting it: a pool of one that never resets stands for it. The body writer's
        // synchronous_commit=off must end with its transaction, or a journal write that gets the
        // same server connection next would commit without waiting for the disk.
        var server = await PostgresServer.CreateDatabaseAsync();
        var bodies = new Npgsql.NpgsqlConnectionStringBuilder(server) { MaxPoolSize = 1, NoResetOnClose = true }.ToString();
        var journal = new JournalDatabase(new JournalSettings(JournalProvider.PostgreSql, server, TimeSpan.FromSeconds(10), bodies));
        await journal.PrepareAsync(CancellationToken.None);
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        var body = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, new byte[] { 1, 2, 3 });
        await store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None);

        // The writer's own pool (its connection string): with one connection in it, this is the one the writer used.
        var writerPool = new Npgsql.NpgsqlConnectionStringBuilder(bodies) { ApplicationName = "actormta-body-writer" }.ToString();
        await using var connection = new Npgsql.NpgsqlConnection(writerPool);
        await connection.OpenAsync();
        await using var show = connection.CreateCommand();
        show.CommandText = "SHOW synchronous_commit";
        Assert.Equal("on", await show.ExecuteScalarAsync());
        Assert.Equal(body.Body.ToArray(), await store.ReadAsync(body.QueueId, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Spooled_bodies_are_streamed_in_byte_exact_and_their_files_deleted(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        var bodies = new List<StoredBody>();
        foreach (var length in new[] { 1, 300_000, 3_000_017 })
        {
            var octets = Enumerable.Range(0, length).Select(b => (byte)(b * 13 + b / 256)).ToArray();
            string path;
            await using (var file = spool.Create(out path)) await file.WriteAsync(octets);
            bodies.Add(new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, ReadOnlyMemory<byte>.Empty, new SpooledBody(path, length)));
        }
        var inMemory = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, new byte[] { 7, 8, 9 });
        var expected = bodies.ToDictionary(b => b.QueueId, b => File.ReadAllBytes(b.Spooled!.Path));

        await store.StoreAsync([.. bodies, inMemory], DateTimeOffset.UtcNow, CancellationToken.None);

        foreach (var body in bodies) Assert.Equal(expected[body.QueueId], await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Equal(new byte[] { 7, 8, 9 }, await store.ReadAsync(inMemory.QueueId, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(spool.Directory));
    }

    [Fact]
    public async Task A_store_whose_caller_gave_up_before_its_round_is_not_written_and_its_spool_file_goes()
    {
        using var directory = new TempDirectory();
        var store = new MessageBodyStore(QueueTestKit.SqliteJournal(directory));
        await store.CreateTableAsync(CancellationToken.None);
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        string path;
        await using (var file = spool.Create(out path)) await file.WriteAsync(new byte[1000]);
        var body = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, ReadOnlyMemory<byte>.Empty, new SpooledBody(path, 1000));

        // The intake's accept timeout ran out before the writer got to it: the client heard 451 already.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.StoreAsync([body], DateTimeOffset.UtcNow, new CancellationToken(canceled: true)));
        var next = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, new byte[] { 1 });
        await store.StoreAsync([next], DateTimeOffset.UtcNow, CancellationToken.None); // a later round has run

        Assert.Null(await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_spool_file_that_is_short_of_its_length_fails_the_write_and_is_deleted()
    {
        using var directory = new TempDirectory();
        var store = new MessageBodyStore(QueueTestKit.SqliteJournal(directory));
        await store.CreateTableAsync(CancellationToken.None);
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        await using (var file = spool.Create(out _)) await file.WriteAsync(new byte[100]);
        var body = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, ReadOnlyMemory<byte>.Empty, new SpooledBody(Directory.GetFiles(spool.Directory)[0], 101));

        await Assert.ThrowsAnyAsync<IOException>(() => store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Null(await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(spool.Directory));
    }

    [Fact]
    public async Task Sqlite_bodies_live_in_a_durable_file_of_their_own()
    {
        using var directory = new TempDirectory();
        var journal = QueueTestKit.SqliteJournal(directory);
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        await using var writer = await store.OpenWriterAsync(CancellationToken.None);
        Assert.Equal(Path.Combine(directory.Path, "bodies.db"), ((Microsoft.Data.Sqlite.SqliteConnection)writer).DataSource);
        await using var setting = writer.CreateCommand();
        setting.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await setting.ExecuteScalarAsync());
        setting.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await setting.ExecuteScalarAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_stores_and_deletes_from_many_callers_all_land(string provider)
    {
        var (journal, directory) = await Database(provider);
        using var _ = directory;
        var store = new MessageBodyStore(journal);
        await store.CreateTableAsync(CancellationToken.None);
        var kept = new List<StoredBody>();
        var deleted = new List<StoredBody>();

        // Sixteen callers at once (the intake and the partitions of a node): every store must come back committed.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async caller =>
        {
            for (var round = 0; round < 10; round++)
            {
                var batch = Enumerable.Range(0, 5).Select(i => new StoredBody(QueueId.New(caller, DateTimeOffset.UtcNow), caller, new[] { (byte)caller, (byte)round, (byte)i })).ToArray();
                await store.StoreAsync(batch, DateTimeOffset.UtcNow, CancellationToken.None);
                lock (kept) kept.AddRange(batch.Skip(2));
                lock (deleted) deleted.AddRange(batch.Take(2));
                await store.DeleteAsync(batch.Take(2).Select(b => b.QueueId).ToArray(), CancellationToken.None);
            }
        }));

        Assert.Equal(kept.Count, await store.CountAsync(CancellationToken.None));
        foreach (var body in kept) Assert.Equal(body.Body.ToArray(), await store.ReadAsync(body.QueueId, CancellationToken.None));
        foreach (var body in deleted) Assert.Null(await store.ReadAsync(body.QueueId, CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_the_writer_recovers()
    {
        using var directory = new TempDirectory();
        var journal = QueueTestKit.SqliteJournal(directory);
        var store = new MessageBodyStore(journal);
        var body = new StoredBody(QueueId.New(0, DateTimeOffset.UtcNow), 0, new byte[] { 1 });

        // No table yet: the write fails, and the caller hears it rather than waiting forever.
        await Assert.ThrowsAnyAsync<Exception>(() => store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None));

        await store.CreateTableAsync(CancellationToken.None);
        await store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(body.Body.ToArray(), await store.ReadAsync(body.QueueId, CancellationToken.None));
    }
}
