using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>RFC 2920 and hardened Postfix's discipline: groups answered together and in order; no talking out of turn.</summary>
public sealed class PipeliningTests : IngressTestKit
{
    [Fact]
    public async Task A_pipelined_group_is_answered_in_order_in_one_write()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await client.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<bad@@x>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n");

        // All five replies arrive in the first receive: the session wrote them once the group was done.
        Assert.Equal(
            "250 2.1.0 Sender ok\r\n250 2.1.5 Recipient ok\r\n501 5.1.3 Bad recipient address syntax\r\n250 2.1.5 Recipient ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
            await client.ReceiveOnceAsync());
        await client.SendAsync("Subject: p\r\n\r\nx\r\n.\r\n");
        Assert.Equal(["b@example.org", "c@example.org"], (await bed.ExpectEnqueueAsync()).Envelope.Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task Commands_pipelined_after_the_final_dot_are_answered_after_the_queue()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));

        await client.SendAsync("Subject: 1\r\n\r\nx\r\n.\r\nMAIL FROM:<c@example.com>\r\nRCPT TO:<d@example.org>\r\nQUIT\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ00");

        Assert.Equal(
            ["250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", "250 2.1.0 Sender ok", "250 2.1.5 Recipient ok", "221 2.0.0 Bye"],
            await client.ReadRepliesAsync(4));
        Assert.True(await client.ClosedByServerAsync());
    }

    [Theory]
    [InlineData("EHLO client.test\r\nMAIL FROM:<a@example.com>\r\n", "EHLO ends a group")]
    [InlineData("HELO client.test\r\nMAIL FROM:<a@example.com>\r\n", "HELO ends a group")]
    [InlineData("NOOP\r\nNOOP\r\n", "no PIPELINING seen yet")]
    public async Task Pipelining_before_seeing_it_advertised_is_refused(string group, string why)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        await client.SendAsync(group);

        var reply = await client.ReadReplyAsync();
        Assert.True(reply == "554 5.5.0 Error: SMTP protocol synchronization", $"{why}: {reply}");
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task Pipelining_after_helo_is_refused_because_helo_offers_nothing()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        Assert.StartsWith("250", await client.CommandAsync("HELO client.test"));

        await client.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\n");

        Assert.Equal("554 5.5.0 Error: SMTP protocol synchronization", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task Message_data_sent_before_the_354_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));

        await client.SendAsync("DATA\r\nSubject: eager\r\n\r\nx\r\n.\r\n");

        Assert.Equal("554 5.5.0 Error: SMTP protocol synchronization", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task A_client_that_talks_before_the_greeting_is_refused()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.listeners.relay.pregreet-wait = 1s");
        await using var client = await bed.ConnectAsync(IngressTestBed.Untrusted);

        await client.SendAsync("EHLO spambot.test\r\n");

        Assert.Equal("554 5.5.0 Error: SMTP protocol synchronization: client spoke before the greeting", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_patient_untrusted_client_is_greeted_after_the_wait()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.listeners.relay.pregreet-wait = 300ms");
        await using var client = await bed.ConnectAsync(IngressTestBed.Untrusted);
        var connected = DateTime.UtcNow;

        Assert.Equal("220 mx.test ESMTP ActorMta", await client.ReadReplyAsync());
        Assert.True(DateTime.UtcNow - connected >= TimeSpan.FromMilliseconds(250), "greeted before the wait was over");
    }

    [Fact]
    public async Task Trusted_clients_are_greeted_without_the_wait()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.listeners.relay.pregreet-wait = 30s");
        await using var client = await bed.ConnectAsync();

        // Within the client's 15 s deadline, long before the 30 s wait.
        Assert.Equal("220 mx.test ESMTP ActorMta", await client.ReadReplyAsync());
    }
}
