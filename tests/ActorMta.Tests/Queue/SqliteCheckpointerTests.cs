using ActorMta.Queue.Journal;
using ActorMta.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorMta.Tests.Queue;

/// <summary>The write-ahead log is copied back by the checkpointer's thread, not by a commit.</summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actormta-checkpoint-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "journal.db"), Pooling = false }.ToString();

    /// <summary>A writer that never checkpoints by itself: 1 MB lands in the log, the database file stays as created.</summary>
    private SqliteConnection WriteOneMegabyteToTheLog()
    {
        var writer = new SqliteConnection(ConnectionString);
        writer.Open();
        using var command = writer.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE body (data BLOB); INSERT INTO body VALUES (zeroblob(1048576));";
        command.ExecuteNonQuery();
        return writer;
    }

    private long DatabaseFileSize => new FileInfo(Path.Combine(_directory, "journal.db")).Length;

    [Fact]
    public async Task The_log_reaches_the_database_file_without_a_commit_checkpointing()
    {
        using var writer = WriteOneMegabyteToTheLog();
        Assert.True(DatabaseFileSize < 1048576, $"before: the database file holds only what creating it wrote ({DatabaseFileSize} bytes)");

        using var checkpointer = new SqliteCheckpointer([ConnectionString], TimeSpan.FromMilliseconds(20), (file, e) => Assert.Fail($"{file}: {e.Message}"));

        await Eventually.True(() => Task.FromResult(DatabaseFileSize >= 1048576), TimeSpan.FromSeconds(30), "the 1 MB row copied into the database file");
        Assert.True(checkpointer.Checkpoints > 0);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
