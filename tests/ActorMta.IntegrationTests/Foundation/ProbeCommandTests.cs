using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>`--probe URL` is the container HEALTHCHECK: 0 for a ready node, 1 for none.</summary>
public sealed class ProbeCommandTests
{
    [Fact]
    public async Task Probe_exits_0_for_a_ready_node_and_1_when_nothing_answers()
    {
        using var data = new TempDirectory();
        await using var node = await TestNode.StartAsync(TestNode.IsolatedEnvironment(data.Path));
        var ready = new Uri(node.ManagementUri, "/health/ready").ToString();

        await Eventually.True(async () =>
        {
            await using var probe = HostProcess.Start(new Dictionary<string, string>(), "--probe", ready);
            return await probe.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0;
        }, TimeSpan.FromSeconds(60), "the probe succeeding against a ready node");

        await using var refused = HostProcess.Start(new Dictionary<string, string>(), "--probe", $"http://127.0.0.1:{FreePort.Tcp()}/health/ready");
        Assert.Equal(1, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("actormta: probe http://127.0.0.1:", refused.Output);
    }
}
