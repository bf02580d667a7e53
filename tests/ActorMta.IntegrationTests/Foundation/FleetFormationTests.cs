using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>Three separate host processes on loopback with one PostgreSQL journal form one cluster, over mutual TLS.</summary>
public sealed class FleetFormationTests
{
    [Fact]
    public async Task Three_host_processes_form_one_cluster_of_three_up_members()
    {
        var journal = await PostgresServer.CreateDatabaseAsync();
        var clusterPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Tcp()).ToArray();
        var managementPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Tcp()).ToArray();
        var seeds = string.Join(",", clusterPorts.Take(2).Select(p => $"akka.tcp://actormta@127.0.0.1:{p}"));
        var directories = Enumerable.Range(0, 3).Select(_ => new TempDirectory()).ToArray();
        using var fleet = new FleetCertificates();
        var hosts = new List<HostProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                hosts.Add(HostProcess.Start(new Dictionary<string, string>(fleet.Issue($"node {i}").Environment)
                {
                    ["ACTORMTA_DATA_DIR"] = directories[i].Path,
                    ["ACTORMTA_CLUSTER_PORT"] = clusterPorts[i].ToString(),
                    ["ACTORMTA_SEED_NODES"] = seeds,
                    ["ACTORMTA_MANAGEMENT_PORT"] = managementPorts[i].ToString(),
                    ["ACTORMTA_SMTP_RELAY_PORT"] = "0",
                    ["ACTORMTA_SMTP_SUBMISSION_PORT"] = "0",
                    ["ACTORMTA_SMTP_SMTPS_PORT"] = "0",
                    ["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql",
                    ["ACTORMTA_JOURNAL_CONNECTION_STRING"] = journal,
                    ["ACTORMTA_LOG_LEVEL"] = "Information",
                }));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            // Seeds are written akka.tcp; a TLS transport's addresses are akka.ssl.tcp.
            var expected = clusterPorts.Select(p => $"akka.ssl.tcp://actormta@127.0.0.1:{p}").Order().ToArray();
            for (var i = 0; i < 3; i++)
            {
                var url = $"http://127.0.0.1:{managementPorts[i]}/cluster/members";
                var host = hosts[i];
                var members = await Eventually.Returns(() => http.GetStringAsync(url),
                    json => UpMembers(json).SequenceEqual(expected), TimeSpan.FromSeconds(90), $"node {i} listing three members Up");
                Assert.Equal(expected, UpMembers(members));
            }
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + string.Concat(hosts.Select((h, i) => $"\n--- node {i} output:\n{h.Output}")), e);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
            foreach (var directory in directories) directory.Dispose();
        }
    }

    private static string[] UpMembers(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "Up")
            .Select(m => m.GetProperty("node").GetString()!)
            .Order()
            .ToArray();
}
