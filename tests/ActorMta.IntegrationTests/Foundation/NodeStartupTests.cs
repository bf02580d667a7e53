using System.Net;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Foundation;

public sealed class NodeStartupTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_node_started_from_defaults_is_alive_ready_and_lists_itself_up()
    {
        using var data = new TempDirectory();
        await using var node = await TestNode.StartAsync(TestNode.IsolatedEnvironment(data.Path));

        var alive = await Http.GetAsync(new Uri(node.ManagementUri, "/health/alive"));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        var ready = await Eventually.Returns(() => Http.GetAsync(new Uri(node.ManagementUri, "/health/ready")),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "/health/ready answering 200");
        var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", readiness.GetProperty("journal-writable").GetProperty("status").GetString());
        Assert.Equal("Healthy", readiness.GetProperty("akka.cluster.join").GetProperty("status").GetString());
        // Detail, not failure: the generated certificate serves the AUTH listeners (submission, smtps) on defaults.
        var tls = readiness.GetProperty("smtp-tls");
        Assert.Equal("Healthy", tls.GetProperty("status").GetString());
        Assert.Contains("self-signed certificate", tls.GetProperty("description").GetString());
        Assert.Contains("AUTH on submission, smtps", tls.GetProperty("description").GetString());

        var members = JsonDocument.Parse(await Http.GetStringAsync(new Uri(node.ManagementUri, "/cluster/members"))).RootElement;
        var self = members.GetProperty("selfNode").GetString();
        var member = Assert.Single(members.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("node").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("upSince").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal(self, members.GetProperty("leader").GetString());

        // The journal lives where the data directory says, in WAL mode.
        Assert.True(File.Exists(Path.Combine(data.Path, "actormta.db")));
    }

    [Fact]
    public async Task Ready_turns_unavailable_when_the_journal_cannot_write()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        await using var node = await TestNode.StartAsync(environment);
        await Eventually.True(async () => (await Http.GetAsync(new Uri(node.ManagementUri, "/health/ready"))).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "ready");

        // Another writer holding SQLite's write lock stands in for a database that cannot take writes.
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data.Path, "actormta.db")}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        await Eventually.True(async () => (await Http.GetAsync(new Uri(node.ManagementUri, "/health/ready"))).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), "/health/ready answering 503 while the journal is locked");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(node.ManagementUri, "/health/alive"))).StatusCode);

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        await Eventually.True(async () => (await Http.GetAsync(new Uri(node.ManagementUri, "/health/ready"))).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "/health/ready back to 200 after the lock is released");
    }
}
