namespace ActorMta.TestSupport;

/// <summary>Paths into the repository and the built host, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string DefaultsFile => Path.Combine(Root, "hocon", "actormta.conf");

    /// <summary>The host as built by the same `dotnet build`/`dotnet test` run (same configuration).</summary>
    public static string HostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
            var dll = Path.Combine(Root, "src", "ActorMta.Host", "bin", configuration, "net10.0", "ActorMta.Host.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException($"build the solution first: {dll} is missing", dll);
            return dll;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorMta.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorMta.sln not found above " + AppContext.BaseDirectory);
    }
}
