using System.Diagnostics;

namespace ActorMta.TestSupport;

/// <summary>
/// A private PostgreSQL 15 server on a loopback port in a temp directory, from the machine's
/// /usr/lib/postgresql/15/bin, run as the postgres user when the tests run as root (initdb
/// refuses root). It can be stopped and started again, as a database outage test needs.
/// </summary>
public sealed class PostgresInstance : IDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    /// <summary>The test process that started a server: a later run stops servers whose owner is gone (killed, crashed).</summary>
    private const string OwnerFile = "owner.pid";
    private static readonly bool AsRoot = Environment.UserName == "root";

    private readonly string _directory;
    private readonly string _data;

    public int Port { get; }

    /// <summary>The server's directory (data, socket, log, owner).</summary>
    public string DirectoryPath => _directory;

    public bool IsRunning => File.Exists(Path.Combine(_data, "postmaster.pid"));

    /// <summary>A superuser connection string (trust authentication on loopback).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private PostgresInstance(string directory, int port)
    {
        _directory = directory;
        _data = Path.Combine(directory, "data");
        Port = port;
    }

    public static PostgresInstance Start()
    {
        RemoveStoppedServers();
        var directory = Path.Combine(Path.GetTempPath(), $"actormta-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (AsRoot) Run("chown", $"postgres {directory}");
        var instance = new PostgresInstance(directory, FreePort.Tcp());
        instance.RunPostgres("initdb", $"-D {instance._data} -U postgres -A trust --no-sync -E UTF8");
        instance.StartServer();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.Dispose();
        return instance;
    }

    public void StartServer() =>
        RunPostgres("pg_ctl", $"-D {_data} -l {_directory}/server.log -w -t 60 -o \"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on\" start");

    /// <summary>Stops the server at once (as a crash or a pulled plug would, without a checkpoint).</summary>
    public void StopServer() => RunPostgres("pg_ctl", $"-D {_data} -m immediate -w stop");

    public void Dispose()
    {
        try { StopServer(); }
        catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* swept by a later run */ }
    }

    /// <summary>
    /// Stops private servers whose test process is gone (ProcessExit never ran for a killed one), then
    /// deletes the directories of servers that are no longer running (a stopped server has no postmaster.pid).
    /// </summary>
    private static void RemoveStoppedServers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "actormta-pg-*"))
        {
            if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")) && IsOrphan(directory))
            {
                try { new PostgresInstance(directory, 0).StopServer(); }
                catch (InvalidOperationException) { /* stopped meanwhile */ }
            }
            // Another test process may be setting one up right now: leave recent ones alone.
            if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")) || Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-10)) continue;
            try { Directory.Delete(directory, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* in use or not ours */ }
        }
    }

    private static bool IsOrphan(string directory)
    {
        try
        {
            var owner = int.Parse(File.ReadAllText(Path.Combine(directory, OwnerFile)), System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(owner);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false; // no owner recorded (older runs) or unreadable: leave it
        }
    }

    private void RunPostgres(string program, string arguments) =>
        Run(AsRoot ? "runuser" : Path.Combine(BinDirectory, program),
            AsRoot ? $"-u postgres -- {Path.Combine(BinDirectory, program)} {arguments}" : arguments);

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
