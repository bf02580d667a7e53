using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.Tests.Ingress.Support;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>CoordinatedShutdown through the real node: listeners stop accepting, idle sessions hear 421.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_node_says_421_to_idle_clients_and_closes_the_ports()
    {
        using var data = new TempDirectory();
        var node = await TestNode.StartAsync(IngressNode.Environment(data.Path));
        var relay = node.SmtpEndPoints["relay"];
        await using var client = await WireClient.GreetedAsync(relay);
        Assert.StartsWith("250", await client.CommandAsync("EHLO leaving.test"));

        var stopping = node.DisposeAsync().AsTask();

        Assert.Equal("421 4.3.2 mx.node.test Service shutting down, try again later", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
        await stopping;
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => WireClient.ConnectAsync(relay));
    }
}
