using ActorMta.Configuration;
using ActorMta.Host;

using ActorMta.TestSupport;

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
        ["ACTORMTA_SMTP_RELAY_PORT"] = "0",
        ["ACTORMTA_SMTP_SUBMISSION_PORT"] = "0",
        ["ACTORMTA_SMTP_SMTPS_PORT"] = "0",
        ["ACTORMTA_LOG_LEVEL"] = "Warning",
    };

    public static ActorMtaSettings Settings(IDictionary<string, string> environment, string? operatorFile = null) =>
        ActorMtaSettings.Load(new ConfigSource(operatorFile, new System.Collections.Hashtable(environment.ToDictionary(e => (object)e.Key, e => (object?)e.Value)), Repository.DefaultsFile));

    public static Task<ActorMtaNode> StartAsync(IDictionary<string, string> environment) =>
        ActorMtaNode.StartAsync(Settings(environment), CancellationToken.None);
}
