using System.Diagnostics;
using Npgsql;

namespace ActorMta.TestSupport;

/// <summary>
/// A real PostgreSQL 15 for the tests. CI (.ci/run) starts one and passes it in
/// ACTORMTA_TEST_POSTGRES (a connection string of a role that may create databases); without it,
/// the first test that needs one starts a private server from /usr/lib/postgresql/15/bin on a
/// loopback port in a temp directory and stops it when the test process exits.
/// Each test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "ACTORMTA_TEST_POSTGRES";
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<string> AdminConnectionString = new(StartOrUseExisting, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _privateDataDirectory;

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "actormta_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(AdminConnectionString.Value))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString.Value) { Database = name, Pooling = true }.ToString();
    }

    private static string StartOrUseExisting()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given)) return given;

        RemoveStoppedServers();
        var directory = Path.Combine(Path.GetTempPath(), $"actormta-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", $"postgres {directory}");
        var data = Path.Combine(directory, "data");
        var port = FreePort.Tcp();
        RunPostgres(asRoot, "initdb", $"-D {data} -U postgres -A trust --no-sync -E UTF8");
        RunPostgres(asRoot, "pg_ctl",
            $"-D {data} -l {directory}/server.log -w -t 60 -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on\" start");
        _privateDataDirectory = data;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(asRoot);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static void Stop(bool asRoot)
    {
        if (_privateDataDirectory is null) return;
        try { RunPostgres(asRoot, "pg_ctl", $"-D {_privateDataDirectory} -m immediate -w stop"); }
        catch (InvalidOperationException) { /* already gone */ }
        try { Directory.Delete(Path.GetDirectoryName(_privateDataDirectory)!, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* swept by a later run */ }
    }

    /// <summary>Deletes the directories of private servers that are no longer running (a stopped server has no postmaster.pid).</summary>
    private static void RemoveStoppedServers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "actormta-pg-*"))
        {
            // Another test process may be setting one up right now: leave recent ones alone.
            if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")) || Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-10)) continue;
            try { Directory.Delete(directory, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* in use or not ours */ }
        }
    }

    private static void RunPostgres(bool asRoot, string program, string arguments) =>
        Run(asRoot ? "runuser" : Path.Combine(BinDirectory, program),
            asRoot ? $"-u postgres -- {Path.Combine(BinDirectory, program)} {arguments}" : arguments);

    private static void Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new InvalidOperationException($"{program} {arguments} hung"); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}: {output.Result} {error.Result}");
    }
}
