using System.Globalization;
using System.Net;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>An operator makes a node leave over HTTP (Akka Management's route shape): it hands off and exits 0.</summary>
public sealed class LeaveRouteTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_node_lists_its_shards_and_told_to_leave_over_http_leaves_the_cluster_and_exits_0()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        var management = FreePort.Tcp();
        environment["ACTORMTA_MANAGEMENT_PORT"] = management.ToString(CultureInfo.InvariantCulture);
        var baseUri = new Uri($"http://127.0.0.1:{management}");
        await using var node = HostProcess.Start(environment);
        await Eventually.True(async () =>
        {
            if (node.HasExited) throw new InvalidOperationException("the node exited: " + node.Output);
            return (await Http.GetAsync(new Uri(baseUri, "/health/ready"))).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(90), "the node to be ready");
        var members = JsonDocument.Parse(await Http.GetStringAsync(new Uri(baseUri, "/cluster/members"))).RootElement;
        var self = members.GetProperty("selfNode").GetString()!;

        // The shards this node hosts (Akka Management's /cluster/shards/{name}): all 16 partitions of a cluster of one.
        await Eventually.True(async () => JsonDocument.Parse(await Http.GetStringAsync(new Uri(baseUri, "/cluster/shards/queue-partition")))
            .RootElement.GetProperty("regions").GetArrayLength() == 16, TimeSpan.FromSeconds(30), "16 queue partitions on the node");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(baseUri, "/cluster/shards/no-such-region"))).StatusCode);

        var unknown = await Http.PostAsync(new Uri(baseUri, "/cluster/members/127.0.0.1:1/leave"), null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.False(node.HasExited);

        var leave = await Http.PostAsync(new Uri(baseUri, $"/cluster/members/{Uri.EscapeDataString(self)}/leave"), null);

        Assert.Equal(HttpStatusCode.OK, leave.StatusCode);
        Assert.Equal($"Leaving {self}", JsonDocument.Parse(await leave.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
