using ActorMta.Configuration;
using ActorMta.Host;

namespace ActorMta.IntegrationTests.Infrastructure;

/// <summary>Starts in-process nodes from the real defaults file, with per-test ports and data directory.</summary>
public static class TestNode
{
    /// <summary>Environment-style overrides for a node that shares nothing with other tests.</summary>
    public static Dictionary<string, string> IsolatedEnvironment(string dataDirectory) => new()
    {
        ["ACTORMTA_DATA_DIR"] = dataDirectory,
        ["ACTORMTA_CLUSTER_PORT"] = "0",
        ["ACTORMTA_MANAGEMENT_PORT"] = "0",
        ["ACTORMTA_LOG_LEVEL"] = "Warning",
    };

    public static ActorMtaSettings Settings(IDictionary<string, string> environment, string? operatorFile = null) =>
        ActorMtaSettings.From(ActorMtaConfig.Load(operatorFile, new System.Collections.Hashtable(environment.ToDictionary(e => (object)e.Key, e => (object?)e.Value)), Repository.DefaultsFile));

    public static Task<ActorMtaNode> StartAsync(IDictionary<string, string> environment) =>
        ActorMtaNode.StartAsync(Settings(environment), CancellationToken.None);
}

/// <summary>A temp directory removed at the end of a test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actormta-test-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a process may still hold a file; the OS cleans /tmp */ }
    }
}
