using System.Text.Json;
using ActorMta.Host;
using ActorMta.Host.Cli;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Cli;

/// <summary>The operator commands against a running node's management endpoint: tables, --json, and the token diagnoses.</summary>
public sealed class ManagementCliTests
{
    [Fact]
    public async Task Domains_suspend_resume_bounce_queue_and_cluster_members_render_tables_and_json_with_an_admin_token()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin;
        var operatorFile = Path.Combine(data.Path, "node.conf");
        await File.WriteAllTextAsync(operatorFile, "actormta.delivery.domains.\"example.org\" { max-connections = 4 }\n");
        await using var node = await ActorMtaNode.StartAsync(TestNode.Settings(environment, operatorFile), CancellationToken.None);
        var cli = new Dictionary<string, string?> { ["ACTORMTA_URL"] = node.ManagementUri.ToString(), ["ACTORMTA_TOKEN"] = TestTokens.Admin };

        var members = await Eventually.Returns(() => CliRun.RunAsync(cli, "cluster", "members"), r => r.ExitCode == 0 && r.Out.Contains(" Up "),
            TimeSpan.FromSeconds(60), "cluster members listing this node Up");
        Assert.Contains("Node", members.Out);
        Assert.Contains("this node", members.Out);
        var membersJson = await CliRun.RunAsync(cli, "cluster", "members", "--json");
        Assert.Equal(0, membersJson.ExitCode);
        Assert.Equal("Up", Assert.Single(JsonDocument.Parse(membersJson.Out).RootElement.GetProperty("members").EnumerateArray()).GetProperty("status").GetString());

        var suspended = await CliRun.RunAsync(cli, "suspend", "Example.ORG", "--for", "30m", "--reason", "provider maintenance");
        Assert.True(suspended.ExitCode == 0, suspended.Error);
        Assert.Matches(@"example\.org\s+│\s+suspended\s+│", suspended.Out);
        Assert.Contains("provider maintenance", suspended.Out);

        var domains = await CliRun.RunAsync(cli, "domains");
        Assert.Equal(0, domains.ExitCode);
        Assert.Contains("Domain", domains.Out);
        Assert.Matches(@"example\.org\s+│\s+suspended\s+│", domains.Out);
        var suspendedJson = Domain(await CliRun.RunAsync(cli, "domains", "--json"), "example.org");
        Assert.Equal("suspended", suspendedJson.GetProperty("state").GetString());
        Assert.Equal("operator: provider maintenance", suspendedJson.GetProperty("suspendReason").GetString());
        var until = suspendedJson.GetProperty("suspendedUntil").GetDateTimeOffset();
        Assert.InRange(until, DateTimeOffset.UtcNow.AddMinutes(25), DateTimeOffset.UtcNow.AddMinutes(31));

        var resumed = await CliRun.RunAsync(cli, "resume", "example.org", "--json");
        Assert.Equal(0, resumed.ExitCode);
        Assert.NotEqual("suspended", JsonDocument.Parse(resumed.Out).RootElement.GetProperty("state").GetString());
        var resumedJson = Domain(await CliRun.RunAsync(cli, "domains", "--json"), "example.org");
        Assert.NotEqual("suspended", resumedJson.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, resumedJson.GetProperty("suspendedUntil").ValueKind);

        // bounce against POST/GET/DELETE /api/admin/bounce/v1; domains names the setting behind the domain's own limit.
        var bounce = await CliRun.RunAsync(cli, "bounce", "--domain", "example.org", "--reason", "bad send", "--duration", "10m", "--json");
        Assert.True(bounce.ExitCode == 0, bounce.Error);
        var bounceId = JsonDocument.Parse(bounce.Out).RootElement.GetProperty("id").GetString()!;
        var bouncing = await CliRun.RunAsync(cli, "domains");
        Assert.Matches(@"example\.org\s+│\s+bouncing\s+│", bouncing.Out);
        Assert.Contains("bad send", bouncing.Out);
        Assert.Contains("example.org: limits from actormta.delivery.domains.\"example.org\".max-connections, the others from actormta.delivery.defaults", bouncing.Out);
        Assert.Contains(bounceId, (await CliRun.RunAsync(cli, "bounce", "list")).Out);
        Assert.Equal(0, (await CliRun.RunAsync(cli, "bounce", "cancel", bounceId)).ExitCode);
        Assert.Equal(CliExitCodes.NotFound, (await CliRun.RunAsync(cli, "bounce", "cancel", bounceId)).ExitCode);
        var both = await CliRun.RunAsync(cli, "bounce", "--domain", "example.org", "--queue-id", "x", "--reason", "r");
        Assert.Equal(CliExitCodes.Refused, both.ExitCode);
        Assert.Contains("(HTTP 422): give exactly one of domain and queue_id", both.Error);
        Assert.Equal(CliExitCodes.Usage, (await CliRun.RunAsync(cli, "bounce", "--domain", "example.org")).ExitCode);

        var queue = await CliRun.RunAsync(cli, "queue");
        Assert.Equal(0, queue.ExitCode);
        Assert.Contains("0 messages", queue.Out);
        Assert.Equal(0, JsonDocument.Parse((await CliRun.RunAsync(cli, "queue", "--json")).Out).RootElement.GetProperty("messages").GetInt32());

        var badDuration = await CliRun.RunAsync(cli, "suspend", "example.org", "--for", "soon");
        Assert.Equal(CliExitCodes.Usage, badDuration.ExitCode);
        Assert.Equal("actormta: --for must be a duration such as 90s, 30m, 2h or 1d, not 'soon'", badDuration.Error.Trim());
    }

    [Fact]
    public async Task A_missing_wrong_or_read_only_token_gets_the_401_or_403_diagnosis_and_the_generated_admin_token_is_the_default()
    {
        using var data = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_MANAGEMENT_READ_TOKENS"] = TestTokens.Read;
        await using var node = await TestNode.StartAsync(environment);
        var url = node.ManagementUri.ToString();

        var missing = await CliRun.RunAsync(new Dictionary<string, string?> { ["ACTORMTA_URL"] = url, ["ACTORMTA_DATA_DIR"] = elsewhere.Path }, "resume", "example.org");
        Assert.Equal(CliExitCodes.Unauthorized, missing.ExitCode);
        Assert.StartsWith("actormta: the node wants a management token for POST /delivery/domains/example.org/resume (HTTP 401)", missing.Error);
        Assert.Single(missing.Error.Trim().Split('\n'));

        var wrong = await CliRun.RunAsync(new Dictionary<string, string?> { ["ACTORMTA_URL"] = url, ["ACTORMTA_TOKEN"] = "not-a-token-of-this-node" }, "domains");
        Assert.Equal(CliExitCodes.Unauthorized, wrong.ExitCode);
        Assert.StartsWith("actormta: the node does not accept the token from ACTORMTA_TOKEN (HTTP 401)", wrong.Error);

        var tokenFile = Path.Combine(elsewhere.Path, "read.token");
        await File.WriteAllTextAsync(tokenFile, TestTokens.Read + "\n");
        var readOnly = await CliRun.RunAsync(new Dictionary<string, string?> { ["ACTORMTA_URL"] = url }, "suspend", "example.org", "--token-file", tokenFile);
        Assert.Equal(CliExitCodes.Forbidden, readOnly.ExitCode);
        Assert.StartsWith($"actormta: the token from --token-file {tokenFile} is not allowed to POST /delivery/domains/example.org/suspend (HTTP 403)", readOnly.Error);

        // No admin token configured: the node wrote DATA/admin.token, and the CLI finds it through ACTORMTA_DATA_DIR.
        var generated = await CliRun.RunAsync(new Dictionary<string, string?> { ["ACTORMTA_URL"] = url, ["ACTORMTA_DATA_DIR"] = data.Path }, "suspend", "example.org", "--for", "5m");
        Assert.True(generated.ExitCode == 0, generated.Error);
        Assert.Contains("suspended", generated.Out);

        var noRoute = await Assert.ThrowsAsync<CliFailure>(() =>
            new ManagementClient(node.ManagementUri, new ManagementToken(null, "none"), TimeSpan.FromSeconds(30)).GetAsync("/no/such/route"));
        Assert.Equal(CliExitCodes.NotFound, noRoute.ExitCode);
        Assert.Equal("the node has no GET /no/such/route route (HTTP 404): it runs an older version than this command needs", noRoute.Message);

        var unreachable = await CliRun.RunAsync(new Dictionary<string, string?> { ["ACTORMTA_URL"] = $"http://127.0.0.1:{FreePort.Tcp()}" }, "domains");
        Assert.Equal(CliExitCodes.Unreachable, unreachable.ExitCode);
        Assert.Contains("(connection refused): is the node running", unreachable.Error);
    }

    private static JsonElement Domain(CliRun.Result run, string domain)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Out).RootElement.GetProperty("domains").EnumerateArray().Single(d => d.GetProperty("domain").GetString() == domain).Clone();
    }
}
