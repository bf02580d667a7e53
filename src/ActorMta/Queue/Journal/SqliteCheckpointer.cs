using Microsoft.Data.Sqlite;

namespace ActorMta.Queue.Journal;

/// <summary>
/// Copies an SQLite file's write-ahead log back into the database on a thread of its own, often, so the
/// log stays short. Left to SQLite, the commit that takes the log past 1,000 pages does that copy (and its
/// fsync of the database file) itself, while every accept waiting on that commit waits too: at a few
/// thousand messages a second that is several stalls a second, and it is where the slowest accepts came from.
/// A passive checkpoint takes no writer lock, so writers go on meanwhile; once it has copied everything,
/// the next commit starts the log from the beginning. SQLite's own checkpoint stays as the fallback.
/// </summary>
public sealed class SqliteCheckpointer : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];

    /// <param name="every">How often each file is checkpointed; zero starts nothing (SQLite's own checkpoints only).</param>
    /// <param name="failed">Told when a checkpoint fails (the next one tries again).</param>
    public SqliteCheckpointer(IEnumerable<string> connectionStrings, TimeSpan every, Action<string, Exception> failed)
    {
        if (every <= TimeSpan.Zero) return;
        foreach (var connectionString in connectionStrings.Distinct())
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var thread = new Thread(() => Run(connectionString, file, every, failed)) { IsBackground = true, Name = "sqlite-checkpoint " + Path.GetFileName(file) };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Checkpoints so far, over all files (for tests and metrics).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private long _checkpoints;

    private void Run(string connectionString, string file, TimeSpan every, Action<string, Exception> failed)
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stop.Token.WaitHandle.WaitOne(every))
            {
                try
                {
                    connection ??= Open(connectionString);
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                    Interlocked.Increment(ref _checkpoints);
                }
                catch (SqliteException e)
                {
                    failed(file, e);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _threads) thread.Join();
        _stop.Dispose();
    }
}
