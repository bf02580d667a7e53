using Npgsql;

namespace ActorMta.TestSupport;

/// <summary>
/// The PostgreSQL most tests share. CI (.ci/run) starts one and passes it in
/// ACTORMTA_TEST_POSTGRES (a connection string of a role that may create databases); without it,
/// the first test that needs one starts a <see cref="PostgresInstance"/>, stopped when the test
/// process exits. Each test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "ACTORMTA_TEST_POSTGRES";

    private static readonly Lazy<string> AdminConnectionString = new(StartOrUseExisting, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public static Task<string> CreateDatabaseAsync() => CreateDatabaseAsync(AdminConnectionString.Value);

    /// <summary>Creates a fresh database on the server of <paramref name="adminConnectionString"/>.</summary>
    public static async Task<string> CreateDatabaseAsync(string adminConnectionString)
    {
        var name = "actormta_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    private static string StartOrUseExisting()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(given) ? PostgresInstance.Start().ConnectionString : given;
    }
}
