using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.Tests.Ingress.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>
/// A thousand clients at once, all connected together, each served a whole transaction while the
/// others stay open. (Memory per idle connection is measured by the load tool in
/// tests/ActorMta.Benchmarks, not here.)
/// </summary>
public sealed class ConcurrentConnectionsTests
{
    private const int Clients = 1000;

    [Fact]
    public async Task A_thousand_concurrent_connections_are_held_open_and_each_gets_its_message_queued()
    {
        using var data = new TempDirectory();
        await using var node = await TestNode.StartAsync(IngressNode.Environment(data.Path));
        var relay = node.SmtpEndPoints["relay"];

        // Phase 1: all connect and say EHLO; none leaves.
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            var client = await WireClient.GreetedAsync(relay);
            Assert.StartsWith("250-", await client.CommandAsync("EHLO many.test"));
            return client;
        }));

        // Phase 2: with all 1000 open, each sends a message (pipelined MAIL/RCPT/DATA) and gets its queue id.
        var queueIds = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            await client.SendAsync($"MAIL FROM:<load@example.com>\r\nRCPT TO:<r{i}@example.org>\r\nDATA\r\n");
            Assert.Equal(["250 2.1.0 Sender ok", "250 2.1.5 Recipient ok", "354 End data with <CR><LF>.<CR><LF>"], await client.ReadRepliesAsync(3));
            await client.SendAsync($"Subject: load {i}\r\n\r\nmessage {i}\r\n.\r\n");
            return IngressNode.QueueIdOf(await client.ReadReplyAsync());
        }));

        // Phase 3: every connection is still served, then all say goodbye.
        await Task.WhenAll(clients.Select(async client => Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"))));
        await Task.WhenAll(clients.Select(async client =>
        {
            Assert.Equal("221 2.0.0 Bye", await client.CommandAsync("QUIT"));
            await client.DisposeAsync();
        }));

        Assert.Equal(Clients, queueIds.Distinct().Count());
        var bodies = node.Services.GetRequiredService<ActorMta.Queue.Bodies.MessageBodyStore>();
        Assert.Equal(Clients, await bodies.CountAsync(CancellationToken.None));
    }
}
