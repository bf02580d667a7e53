using System.Net;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>The real executable: bad settings stop it with exit code 2 and one line; the environment wins over the file.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("ACTORMTA_MANAGEMENT_PORT", "eighty", "actormta: invalid setting actormta.management.port = \"eighty\": expected an integer from 0 to 65535")]
    [InlineData("ACTORMTA_JOURNAL_PROVIDER", "oracle", "actormta: invalid setting actormta.journal.provider = \"oracle\": expected one of sqlite | postgresql")]
    [InlineData("ACTORMTA_SEED_NODES", "localhost:4053", "actormta: invalid setting actormta.cluster.seed-nodes = \"localhost:4053\": expected seed nodes like akka.tcp://actormta@host:port")]
    [InlineData("ACTORMTA_LOG_FORMAT", "xml", "actormta: invalid setting actormta.logging.format = \"xml\": expected one of text | json")]
    public async Task An_invalid_setting_exits_2_with_one_line_naming_it(string variable, string value, string expected)
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment[variable] = value;
        var (exitCode, output) = await HostProcess.RunToExitAsync(environment);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task A_missing_config_file_exits_2()
    {
        using var data = new TempDirectory();
        var (exitCode, output) = await HostProcess.RunToExitAsync(TestNode.IsolatedEnvironment(data.Path), "--config", Path.Combine(data.Path, "nope.conf"));

        Assert.Equal(2, exitCode);
        Assert.Equal($"actormta: invalid setting --config = \"{Path.Combine(data.Path, "nope.conf")}\": expected a readable HOCON file", output);
    }

    [Fact]
    public async Task A_delivery_lease_shorter_than_the_outbound_timeouts_exits_2()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "operator.conf");
        await File.WriteAllTextAsync(file, "actormta.queue.delivery-lease = 10m\n");
        var (exitCode, output) = await HostProcess.RunToExitAsync(TestNode.IsolatedEnvironment(data.Path), "--config", file);

        Assert.Equal(2, exitCode);
        Assert.Equal("actormta: invalid setting actormta.queue.delivery-lease = \"10m\": must be longer than the outbound SMTP timeouts " +
            "(actormta.delivery.timeouts, 25m30s in all) plus actormta.delivery.max-backlog-wait (5m), that is 30m30s: " +
            "a delivery still running when its lease ends is dispatched again", output);
    }

    [Fact]
    public async Task A_partition_count_other_than_the_queue_s_recorded_one_exits_2()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        // The first start (16 partitions, the default) records the count in the journal's database.
        await (await TestNode.StartAsync(environment)).DisposeAsync();
        var file = Path.Combine(data.Path, "operator.conf");
        await File.WriteAllTextAsync(file, "actormta.queue.partitions = 32\n");
        var (exitCode, output) = await HostProcess.RunToExitAsync(environment, "--config", file);

        Assert.Equal(2, exitCode);
        Assert.Equal("actormta: invalid setting actormta.queue.partitions = \"32\": this queue was created with 16 partitions " +
            "(recorded in the journal database); a queue's partition count cannot change", output);
    }

    [Fact]
    public async Task Environment_variables_override_the_config_file()
    {
        using var data = new TempDirectory();
        var filePort = FreePort.Tcp();
        var environmentPort = FreePort.Tcp();
        var file = Path.Combine(data.Path, "operator.conf");
        await File.WriteAllTextAsync(file, $"actormta.management.port = {filePort}\nactormta.node.hostname = \"mx.from-file.example\"\n");
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_MANAGEMENT_PORT"] = environmentPort.ToString();
        await using var host = HostProcess.Start(environment, "--config", file);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.True(async () => (await http.GetAsync($"http://127.0.0.1:{environmentPort}/health/alive")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), $"the node answering on the environment's port {environmentPort}; output: {host.Output}");
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{filePort}/health/alive"));
    }
}
