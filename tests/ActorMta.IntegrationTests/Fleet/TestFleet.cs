using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorMta.TestSupport;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// A fleet of real host processes on loopback for the fleet acceptance tests: default settings except
/// the retry schedule, relay-only listeners, and a static route for <see cref="Domain"/> to a port
/// reserved for the test's next hop (a TestSmtpSink the test starts on <see cref="NextHopPort"/> when it wants it up).
/// </summary>
internal sealed partial class TestFleet : IAsyncDisposable
{
    public const string Domain = "dest.test";

    private readonly TempDirectory _directory;
    private readonly FleetCertificates _certificates;
    private readonly ITestOutputHelper _output;

    private TestFleet(TempDirectory directory, FleetCertificates certificates, ITestOutputHelper output, int nextHopPort, IReadOnlyList<FleetNode> nodes)
    {
        _directory = directory;
        _certificates = certificates;
        _output = output;
        NextHopPort = nextHopPort;
        Nodes = nodes;
    }

    public IReadOnlyList<FleetNode> Nodes { get; }
    public int NextHopPort { get; }

    /// <summary>Nodes whose process still runs.</summary>
    public IReadOnlyList<FleetNode> Running => [.. Nodes.Where(n => !n.Host.HasExited)];

    /// <summary>
    /// Starts <paramref name="size"/> nodes at once (the first is the seed) and waits until every one lists all
    /// of them Up and answers ready. <paramref name="hocon"/> is added to the operator file (e.g. the domain's limits).
    /// </summary>
    public static async Task<TestFleet> StartAsync(ITestOutputHelper output, int size = 3, string hocon = "", string journalProvider = "postgresql")
    {
        var journal = journalProvider == "postgresql" ? await PostgresServer.CreateDatabaseAsync() : null;
        var directory = new TempDirectory();
        var nextHopPort = FreePort.Tcp();
        var configFile = Path.Combine(directory.Path, "fleet.conf");
        await File.WriteAllTextAsync(configFile, $$"""
            actormta.smtp.listeners { submission.enabled = off, smtps.enabled = off, relay.pregreet-wait = 0s }
            actormta.queue.retry { initial = 1s, max = 3s }
            actormta.delivery.domains."{{Domain}}" { route = static, hosts = ["127.0.0.1:{{nextHopPort}}"], tls = none }
            {{hocon}}
            """);
        var clusterPorts = Enumerable.Range(0, size).Select(_ => FreePort.Tcp()).ToArray();
        var certificates = new FleetCertificates();
        var nodes = clusterPorts.Select((port, i) =>
        {
            var data = Path.Combine(directory.Path, $"node{i}");
            Directory.CreateDirectory(data);
            return new FleetNode(i, FleetNode.Environment(data, port, clusterPorts[0], certificates.Issue($"node {i}"), journalProvider, journal), configFile);
        }).ToArray();
        var fleet = new TestFleet(directory, certificates, output, nextHopPort, nodes);
        var starting = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(nodes.Select(n => fleet.WaitUntilMemberAsync(n, TimeSpan.FromSeconds(90))));
            // A fleet in its steady state: the 16 partitions spread evenly (sharding moves them in rounds after the
            // start). A rebalance that coincides with a node's death can drop accepts buffered for the moving shard
            // (Akka: "Dropping buffered messages ... during hand off"): a different, rarer case than these tests'.
            var share = 16 / size;
            await Task.WhenAll(nodes.Select(n => Eventually.True(async () =>
            {
                var (status, body) = await n.GetAsync("/cluster/shards/queue-partition");
                return status == HttpStatusCode.OK && body.GetProperty("regions").GetArrayLength() >= share;
            }, TimeSpan.FromSeconds(120), $"node {n.Number} hosting at least {share} queue partitions")));
            output.WriteLine($"{size} node(s) Up and ready in {starting.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            await fleet.DisposeAsync(failed: true);
            throw;
        }
        return fleet;
    }

    /// <summary>Runs the test's body; when it fails, the nodes' logs go to the test output before the failure is rethrown.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            WriteLogs();
            throw;
        }
    }

    /// <summary>The node that runs <paramref name="domain"/>'s delivery actor (asking starts it), seen from a running node.</summary>
    public async Task<FleetNode> HostOfDomainAsync(string domain = Domain, TimeSpan? within = null)
    {
        var address = await Eventually.Returns(async () =>
        {
            foreach (var node in Running)
            {
                var running = await DomainNodeSeenFromAsync(node, domain);
                if (running is not null && Running.Any(n => n.Address == running)) return running;
            }
            return null;
        }, a => a is not null, within ?? TimeSpan.FromSeconds(60), $"a running node hosting {domain}'s delivery actor");
        return Nodes.Single(n => n.Address == address);
    }

    /// <summary>Waits until the running nodes list exactly each other as Up (the departed ones downed and removed).</summary>
    public Task WaitForMembershipAsync(TimeSpan within)
    {
        var expected = Running.Select(n => n.Address).Order(StringComparer.Ordinal).ToArray();
        return Task.WhenAll(Running.Select(n => Eventually.True(async () =>
        {
            var (status, body) = await n.GetAsync("/cluster/members");
            return status == HttpStatusCode.OK && UpMembers(body).SequenceEqual(expected);
        }, within, $"node {n.Number} listing exactly [{string.Join(", ", expected)}] as members")));
    }

    /// <summary>For a failure's explanation: what the queue says of a few missing messages (history with times), asked of a running node.</summary>
    public async Task WriteQueueStateAsync(MailLoad load, IReadOnlyCollection<int> missing)
    {
        foreach (var index in missing.Take(5))
        {
            var queueId = load.Submissions.FirstOrDefault(s => s.Index == index && s.Accepted)?.QueueId;
            if (queueId is null || Running.Count == 0) continue;
            try
            {
                var (status, body) = await Running[0].GetAsync($"/queue/messages/{queueId}");
                _output.WriteLine($"missing message {index} ({queueId}): {(int)status} {body}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _output.WriteLine($"missing message {index} ({queueId}): no answer ({e.Message})");
            }
        }
    }

    public void WriteLogs()
    {
        foreach (var node in Nodes)
        {
            // The whole log would drown the output: warnings, errors and the last lines of each node.
            var lines = node.Output.Split('\n');
            var notable = lines.Where(l => NotablePattern().IsMatch(l)).TakeLast(150);
            _output.WriteLine($"--- node {node.Number} ({node.Address}, exited: {node.Host.HasExited}): warnings and errors");
            foreach (var line in notable) _output.WriteLine(line.TrimEnd());
            _output.WriteLine($"--- node {node.Number}: last lines");
            foreach (var line in lines.TakeLast(60)) _output.WriteLine(line.TrimEnd());
        }
    }

    public ValueTask DisposeAsync() => DisposeAsync(failed: false);

    private async ValueTask DisposeAsync(bool failed)
    {
        if (failed) WriteLogs();
        if (System.Environment.GetEnvironmentVariable("ACTORMTA_FLEET_LOG_DIR") is { Length: > 0 } logs)
        {
            // For looking at a run afterwards: every node's whole output.
            Directory.CreateDirectory(logs);
            var run = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var node in Nodes) await File.WriteAllTextAsync(Path.Combine(logs, $"{run}-node{node.Number}.log"), node.Output);
        }
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        _certificates.Dispose();
        _directory.Dispose();
    }

    private async Task WaitUntilMemberAsync(FleetNode node, TimeSpan within)
    {
        var expected = Nodes.Select(n => n.Address).Order(StringComparer.Ordinal).ToArray();
        await Eventually.True(async () =>
        {
            node.ThrowIfExited();
            var (status, body) = await node.GetAsync("/cluster/members");
            return status == HttpStatusCode.OK && UpMembers(body).SequenceEqual(expected);
        }, within, $"node {node.Number} listing all {expected.Length} members Up");
        await node.WaitUntilReadyAsync(within);
    }

    private static async Task<string?> DomainNodeSeenFromAsync(FleetNode node, string domain)
    {
        try
        {
            var (status, body) = await node.GetAsync($"/delivery/domains/{domain}");
            return status == HttpStatusCode.OK && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("node", out var at) ? at.GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // a node on its way out, or a region still waiting for the dead node to be downed
        }
    }

    private static string[] UpMembers(JsonElement members) =>
        [.. members.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "Up")
            .Select(m => m.GetProperty("node").GetString()!)
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@" warn: | fail: | crit: |exception|unreachable|downing|suspended|resumed|removed|exit", RegexOptions.IgnoreCase)]
    private static partial Regex NotablePattern();
}
