using System.Text.Json;
using ActorMta.Host.Cli;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Cli;

/// <summary>
/// `actormta suppression ...` against a real node on SQLite; then the shard count recorded in the journal's database:
/// a restart on the same data with another count exits 2 naming both, and one with the recorded count has the entries.
/// One test, so one data directory serves both (two node starts and one refused process in all).
/// </summary>
public sealed class SuppressionCliTests
{
    [Fact]
    public async Task The_suppression_commands_work_and_a_restart_with_another_shard_count_exits_2_leaving_the_entries_in_place()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin;
        await using (var node = await TestNode.StartAsync(environment))
        {
            var cli = Cli(node);
            var added = await CliRun.RunAsync(cli, "suppression", "add", "Kept@Example.com", "--reason", "asked to stop", "--json");
            Assert.True(added.ExitCode == 0, added.Error);
            Assert.Equal("kept@example.com", JsonDocument.Parse(added.Out).RootElement.GetProperty("entry").GetProperty("recipient").GetString());
            Assert.Equal(0, (await CliRun.RunAsync(cli, "suppression", "add", "gone@example.com", "--scope", "domain:origin.test", "--duration", "30d")).ExitCode);

            var check = Json(await CliRun.RunAsync(cli, "suppression", "check", "gone@example.com", "--sender", "a@origin.test", "--json"));
            Assert.Equal("domain:origin.test", check.GetProperty("entry").GetProperty("scope").GetString());
            var otherSender = Json(await CliRun.RunAsync(cli, "suppression", "check", "gone@example.com", "--sender", "a@elsewhere.test", "--json"));
            Assert.False(otherSender.GetProperty("suppressed").GetBoolean());

            var list = await CliRun.RunAsync(cli, "suppression", "list", "--limit", "1");
            Assert.True(list.ExitCode == 0, list.Error);
            Assert.Contains("more: suppression list --cursor ", list.Out);
            var summary = Json(await CliRun.RunAsync(cli, "suppression", "summary", "--json"));
            Assert.Equal((2, 32), (summary.GetProperty("total").GetInt32(), summary.GetProperty("shards").GetInt32()));

            var removed = Json(await CliRun.RunAsync(cli, "suppression", "remove", "gone@example.com", "--json"));
            Assert.Equal(1, removed.GetProperty("removed").GetInt32());
            var badScope = await CliRun.RunAsync(cli, "suppression", "remove", "gone@example.com", "--scope", "planet:mars");
            Assert.Equal(CliExitCodes.Refused, badScope.ExitCode);
            Assert.Contains("(HTTP 422): scope 'planet:mars' is not one of global, domain:DOMAIN, user:NAME", badScope.Error);
            Assert.Equal(CliExitCodes.Usage, (await CliRun.RunAsync(cli, "suppression", "forget", "x@example.com")).ExitCode);
        }

        var file = Path.Combine(data.Path, "operator.conf");
        await File.WriteAllTextAsync(file, "actormta.suppression.shards = 16\n");
        var (exitCode, output) = await HostProcess.RunToExitAsync(environment, "--config", file);
        Assert.Equal(2, exitCode);
        Assert.Equal("actormta: invalid setting actormta.suppression.shards = \"16\": this suppression list was created with 32 shards " +
            "(recorded in the journal database); its entries stay in the shard their recipient hashed to, so the count cannot change", output);

        await using (var node = await TestNode.StartAsync(environment))
        {
            var kept = Json(await CliRun.RunAsync(Cli(node), "suppression", "check", "kept@example.com", "--json"));
            Assert.Equal("asked to stop", kept.GetProperty("entry").GetProperty("reason").GetString());
        }
    }

    private static Dictionary<string, string?> Cli(Host.ActorMtaNode node) =>
        new() { ["ACTORMTA_URL"] = node.ManagementUri.ToString(), ["ACTORMTA_TOKEN"] = TestTokens.Admin };

    private static JsonElement Json(CliRun.Result run)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }
}
