using System.Data.Common;
using ActorMta.Configuration;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorMta.Queue.Journal;

/// <summary>The journal could not be opened at start-up: a one-line reason, no stack trace.</summary>
public sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The database behind the queue: prepares it at start-up (directory, WAL, reachability) and
/// gives Akka.Persistence.Sql its settings.
/// </summary>
public sealed class JournalDatabase(JournalSettings settings)
{
    public JournalSettings Settings { get; } = settings;

    public DbConnection CreateConnection() => Connect(Settings.ConnectionString);

    /// <summary>A connection to where message bodies live (see <see cref="JournalSettings.BodiesConnectionString"/>).</summary>
    public DbConnection CreateBodiesConnection() => Connect(Settings.BodiesConnectionString);

    private DbConnection Connect(string connectionString) => Settings.Provider switch
    {
        JournalProvider.Sqlite => new SqliteConnection(connectionString),
        _ => new NpgsqlConnection(connectionString),
    };

    /// <summary>Creates the SQLite file (WAL) or waits for PostgreSQL up to the connect timeout.</summary>
    public async Task PrepareAsync(CancellationToken cancellation)
    {
        if (Settings.Provider == JournalProvider.Sqlite)
            PrepareSqlite();
        else
            await WaitForPostgreSqlAsync(cancellation);
    }

    private void PrepareSqlite()
    {
        PrepareSqliteFile(Settings.ConnectionString);
        PrepareSqliteFile(Settings.BodiesConnectionString);
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (directory is not null) Directory.CreateDirectory(directory);
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            // WAL is a property of the file: set once, it holds for every later connection.
            var mode = Scalar(connection, "PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new JournalUnavailableException($"journal: SQLite file {file} refused WAL mode (journal_mode={mode})");
            // synchronous=FULL is this build's compiled default (DEFAULT_WAL_SYNCHRONOUS=2); refuse to run less durable.
            var synchronous = Scalar(connection, "PRAGMA synchronous");
            if (synchronous != "2")
                throw new JournalUnavailableException($"journal: SQLite synchronous={synchronous}, expected 2 (FULL): a 250 must survive power loss");
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"journal: cannot open SQLite file {file}: {e.Message}", e);
        }
    }

    private async Task WaitForPostgreSqlAsync(CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + Settings.ConnectTimeout;
        while (true)
        {
            try
            {
                await using var connection = CreateConnection();
                await connection.OpenAsync(cancellation);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new JournalUnavailableException($"journal: cannot reach PostgreSQL ({Settings}) within {Settings.ConnectTimeout.TotalSeconds:0}s: {e.Message}", e);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
            }
        }
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    /// <summary>Akka.Persistence.Sql journal, snapshot store and query settings for this database.</summary>
    public Config PersistenceConfig()
    {
        var connection = Hocon.Quote(Settings.ConnectionString);
        var provider = Hocon.Quote(Settings.Linq2DbProviderName);
        // SQLite has one writer at a time: more parallel writers only contend for its lock.
        var parallelism = Settings.Provider == JournalProvider.Sqlite ? 1 : 3;
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  parallelism = {{parallelism}}
                  batch-size = 200
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
              query.journal.sql {
                connection-string = {{connection}}
                provider-name = {{provider}}
              }
            }
            """).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
    }
}
