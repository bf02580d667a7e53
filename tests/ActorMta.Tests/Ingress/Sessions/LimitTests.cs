using System.Text;
using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>Errors, timeouts (RFC 5321 4.5.3.2), connections and mail loops: each limit from its setting.</summary>
public sealed class LimitTests : IngressTestKit
{
    [Fact]
    public async Task Too_many_errors_close_the_session()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-errors = 3");
        await using var client = await bed.HelloAsync();

        Assert.StartsWith("500", await client.CommandAsync("FROB"));
        Assert.StartsWith("503", await client.CommandAsync("DATA"));
        Assert.StartsWith("501", await client.CommandAsync("MAIL FROM:<@@>"));

        Assert.Equal("421 4.7.0 mx.test Error: too many errors", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_client_that_never_speaks_times_out_with_421()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.timeouts.greeting = 500ms");
        await using var client = await bed.GreetedAsync();

        Assert.Equal("421 4.4.2 mx.test Error: timeout exceeded", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_client_idle_between_commands_times_out_with_421()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.timeouts.command = 500ms");
        await using var client = await bed.HelloAsync();
        var idleSince = DateTime.UtcNow;

        Assert.Equal("421 4.4.2 mx.test Error: timeout exceeded", await client.ReadReplyAsync());
        Assert.True(DateTime.UtcNow - idleSince >= TimeSpan.FromMilliseconds(450));
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_stalled_data_block_times_out_and_nothing_is_queued()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.timeouts.data-block = 500ms");
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));

        await client.SendAsync("Subject: half a message\r\n");

        Assert.Equal("421 4.4.2 mx.test Error: timeout exceeded", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task A_trickling_message_hits_the_data_termination_timeout()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.timeouts.data-block = 5s\nactormta.smtp.timeouts.data-termination = 1s");
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var started = DateTime.UtcNow;

        // One octet per 100 ms: every block is well inside the block timeout, the message never ends.
        using var trickling = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (await pace.WaitForNextTickAsync(trickling.Token)) await client.SendAsync("x");
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or TimeoutException)
            {
                // The server closed, or the test is done.
            }
        });

        Assert.Equal("421 4.4.2 mx.test Error: timeout exceeded", await client.ReadReplyAsync());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900));
        await trickling.CancelAsync();
        await trickle;
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task Outside_clients_filling_the_node_leave_the_reserve_to_trusted_clients()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp { max-connections = 2, reserved-for-trusted = 1 }");
        await using var first = await bed.HelloAsync(IngressTestBed.Untrusted);
        await using var second = await bed.HelloAsync(IngressTestBed.Untrusted);

        await using (var outsider = await bed.ConnectAsync(IngressTestBed.Untrusted))
            Assert.Equal("421 4.7.0 mx.test Error: too many connections", await outsider.ReadReplyAsync());
        await using var internalSender = await bed.HelloAsync();
        await using (var beyondReserve = await bed.ConnectAsync())
            Assert.Equal("421 4.7.0 mx.test Error: too many connections", await beyondReserve.ReadReplyAsync());
    }

    [Fact]
    public async Task Connections_past_the_node_limit_get_421_until_one_ends()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp { max-connections = 2, reserved-for-trusted = 0 }");
        await using var first = await bed.HelloAsync();
        await using var second = await bed.HelloAsync();

        await using (var third = await bed.ConnectAsync())
        {
            Assert.Equal("421 4.7.0 mx.test Error: too many connections", await third.ReadReplyAsync());
            Assert.True(await third.ClosedByServerAsync());
        }

        Assert.StartsWith("221", await first.CommandAsync("QUIT"));
        await ActorMta.TestSupport.Eventually.True(async () =>
        {
            await using var next = await bed.ConnectAsync();
            return (await next.ReadReplyAsync()).StartsWith("220 ", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "a connection admitted once the first one ended");
    }

    [Fact]
    public async Task Connections_past_the_per_client_limit_get_421_but_trusted_clients_are_exempt()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-connections-per-client = 2");
        await using var first = await bed.HelloAsync(Untrusted);
        await using var second = await bed.HelloAsync(Untrusted);
        await using (var third = await bed.ConnectAsync(Untrusted))
        {
            Assert.Equal("421 4.7.0 mx.test Error: too many connections from your address", await third.ReadReplyAsync());
        }

        var trusted = new List<WireClient>();
        for (var i = 0; i < 4; i++) trusted.Add(await bed.HelloAsync());
        foreach (var client in trusted) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_message_with_more_than_50_received_headers_is_a_loop()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], Hops(50) + "Subject: 50 hops\r\n\r\nx\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ00");
        Assert.StartsWith("250 2.0.0 Ok: queued as", await client.ReadReplyAsync());

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], Hops(51) + "Subject: 51 hops\r\n\r\nx\r\n");
        Assert.Equal("554 5.4.6 Too many Received headers: mail forwarding loop", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task The_hop_limit_comes_from_the_setting_and_only_the_header_counts()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-received-headers = 2");
        await using var client = await bed.HelloAsync();

        // "Received:" lines in the body are not trace headers.
        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], Hops(2) + "Subject: x\r\n\r\n" + Hops(5));
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ00");
        Assert.StartsWith("250", await client.ReadReplyAsync());

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], Hops(3) + "Subject: x\r\n\r\nx\r\n");
        Assert.StartsWith("554 5.4.6", await client.ReadReplyAsync());
    }

    private static string Hops(int count)
    {
        var headers = new StringBuilder();
        for (var i = 0; i < count; i++) headers.Append($"Received: from hop{i}.example by hop{i + 1}.example; Tue, 04 Mar 2025 09:05:00 +0000\r\n");
        return headers.ToString();
    }
}
