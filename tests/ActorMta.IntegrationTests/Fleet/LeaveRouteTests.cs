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

        // Changing state needs the admin token even on loopback; with none configured the node made one in DATA/admin.token.
        var leaveUri = new Uri(baseUri, $"/cluster/members/{Uri.EscapeDataString(self)}/leave");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostAsync(leaveUri, null)).StatusCode);
        var adminToken = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin.token"))).Trim();
        var unknown = await Http.SendAsync(AsAdmin(new Uri(baseUri, "/cluster/members/127.0.0.1:1/leave"), adminToken));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.False(node.HasExited);

        var leave = await Http.SendAsync(AsAdmin(leaveUri, adminToken));

        Assert.Equal(HttpStatusCode.OK, leave.StatusCode);
        Assert.Equal($"Leaving {self}", JsonDocument.Parse(await leave.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static HttpRequestMessage AsAdmin(Uri uri, string token) =>
        new(HttpMethod.Post, uri) { Headers = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token) } };
}
