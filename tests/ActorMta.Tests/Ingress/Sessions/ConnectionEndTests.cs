using System.Net.Sockets;
using ActorMta.TestSupport;
using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>However a connection ends, its session stops, its slot is freed, and it logs one line.</summary>
public sealed class ConnectionEndTests : IngressTestKit
{
    [Fact]
    public async Task Clients_vanishing_at_any_point_leave_no_session_behind()
    {
        await using var bed = new IngressTestBed(this);
        var vanishings = new List<Func<WireClient, Task>>
        {
            _ => Task.CompletedTask, // right after the greeting
            async c => await c.CommandAsync("EHLO gone.test"),
            async c =>
            {
                await c.CommandAsync("EHLO gone.test");
                await c.CommandAsync("MAIL FROM:<a@example.com>");
                await c.CommandAsync("RCPT TO:<b@example.org>");
                await c.CommandAsync("DATA");
                await c.SendAsync("Subject: half\r\n\r\nhalf a mess");
            },
            async c =>
            {
                await c.CommandAsync("EHLO gone.test");
                await c.SendAsync("BDAT 1000\r\nonly a little");
            },
            async c =>
            {
                await c.CommandAsync("EHLO gone.test");
                await c.CommandAsync("STARTTLS");
                await c.SendAsync("\u0016\u0003\u0001"); // the start of a ClientHello
            },
            async c =>
            {
                await c.SecureAsync();
                await c.CommandAsync("AUTH LOGIN");
            },
            async c => await c.SendAsync("NOOP " + new string('x', 3000)), // inside an over-long line
        };

        foreach (var vanish in vanishings)
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await bed.GreetedAsync();
                await vanish(client);
                await client.DisposeAsync(); // a plain close, or a reset when unread replies are pending
            }
        }

        await Eventually.True(() => Task.FromResult(bed.Limiter.Open == 0), TimeSpan.FromSeconds(15), "every session stopped");
        await using var next = await bed.HelloAsync();
        Assert.Equal("250 2.0.0 Ok", await next.CommandAsync("NOOP"));
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task Each_connection_logs_one_line_when_it_ends()
    {
        await using var bed = new IngressTestBed(this);

        await EventFilter.Info(contains: "ended: quit; 0 accepted, 0 refused").ExpectOneAsync(async () =>
        {
            await using var client = await bed.HelloAsync();
            Assert.StartsWith("221", await client.CommandAsync("QUIT"));
            Assert.True(await client.ClosedByServerAsync());
        });
        await EventFilter.Info(contains: "from 127.0.0.1 ended: client disconnected").ExpectOneAsync(async () =>
        {
            var client = await bed.HelloAsync();
            await client.DisposeAsync();
        });
    }

    [Fact]
    public async Task A_client_that_resets_its_connection_ends_its_session()
    {
        await using var bed = new IngressTestBed(this);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(bed.EndPoint);
        await Eventually.True(() => Task.FromResult(bed.Limiter.Open == 1), TimeSpan.FromSeconds(10), "the session started");

        socket.LingerState = new LingerOption(true, 0); // close with RST
        socket.Close();

        await Eventually.True(() => Task.FromResult(bed.Limiter.Open == 0), TimeSpan.FromSeconds(10), "the session stopped");
    }
}
