using ActorMta.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorMta.Queue.Journal;

public enum JournalProvider { Sqlite, PostgreSql }

/// <summary>Where the queue's journal, snapshots and message bodies live.</summary>
/// <param name="BodiesConnectionString">
/// PostgreSQL: the journal's database. SQLite: a file of its own beside the journal, because SQLite
/// allows one writer per file and a second writer in the same file is starved by the first
/// (Microsoft.Data.Sqlite retries a locked write by sleeping).
/// </param>
public sealed record JournalSettings(JournalProvider Provider, string ConnectionString, TimeSpan ConnectTimeout, string BodiesConnectionString)
{
    /// <summary>The linq2db provider name Akka.Persistence.Sql is given (see ../shared/PACKAGES.md).</summary>
    public string Linq2DbProviderName => Provider switch
    {
        JournalProvider.Sqlite => "SQLite.MS",
        _ => "PostgreSQL.15",
    };

    public static JournalSettings From(SettingsReader settings, NodeSettings node)
    {
        var provider = settings.OneOf("actormta.journal.provider", new Dictionary<string, JournalProvider>
        {
            ["sqlite"] = JournalProvider.Sqlite,
            ["postgresql"] = JournalProvider.PostgreSql,
        });
        var connectionString = settings.String("actormta.journal.connection-string");
        var timeout = settings.Duration("actormta.journal.connect-timeout", TimeSpan.FromSeconds(1));
        if (provider == JournalProvider.Sqlite)
            return Sqlite(SqliteConnectionString(settings, node, connectionString), timeout, settings.String("actormta.journal.sqlite-bodies-file", allowEmpty: false));
        // PostgreSQL: bodies live in the journal's database.
        var postgres = PostgreSqlConnectionString(connectionString);
        return new(provider, postgres, timeout, postgres);
    }

    /// <summary>SQLite settings: the bodies file lives in the journal file's directory.</summary>
    public static JournalSettings Sqlite(string connectionString, TimeSpan connectTimeout, string bodiesFile = "bodies.db")
    {
        var bodies = new SqliteConnectionStringBuilder(connectionString);
        bodies.DataSource = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bodies.DataSource)) ?? ".", bodiesFile);
        return new JournalSettings(JournalProvider.Sqlite, connectionString, connectTimeout, bodies.ToString());
    }

    private static string SqliteConnectionString(SettingsReader settings, NodeSettings node, string configured)
    {
        if (configured.Length > 0) return Validated("Microsoft.Data.Sqlite", configured, s => new SqliteConnectionStringBuilder(s)).ToString();
        var file = settings.String("actormta.journal.sqlite-file", allowEmpty: false);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(node.DataDirectory, file),
            Pooling = true,
            // Seconds a writer waits on SQLite's lock before failing (sessions then answer 451).
            DefaultTimeout = 30,
        };
        return builder.ToString();
    }

    private static string PostgreSqlConnectionString(string configured)
    {
        if (configured.Length == 0)
            throw new SettingException("actormta.journal.connection-string", configured,
                "a PostgreSQL connection string (Host=...;Port=...;Database=...;Username=...;Password=...) when provider = postgresql");
        var builder = Validated("Npgsql", configured, s => new NpgsqlConnectionStringBuilder(s));
        // A committed write must survive a crash of the database server too.
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c synchronous_commit=on"
            : builder.Options + " -c synchronous_commit=on";
        return builder.ToString();
    }

    private static T Validated<T>(string library, string connectionString, Func<string, T> parse)
    {
        try
        {
            return parse(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new SettingException("actormta.journal.connection-string", Redacted(connectionString), $"a {library} connection string ({e.Message})");
        }
    }

    /// <summary>A connection string fit for logs and error lines: passwords removed.</summary>
    public static string Redacted(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, @"(?i)(password|pwd)\s*=\s*[^;]*", "$1=***");

    public override string ToString() => $"{Provider} {Redacted(ConnectionString)}";
}
