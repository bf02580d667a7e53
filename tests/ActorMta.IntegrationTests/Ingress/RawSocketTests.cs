using ActorMta.Tests.Ingress.Support;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>The octet-level checks of the session tests, once more through the real node and its queue.</summary>
public sealed class RawSocketTests(IngressNode node) : IClassFixture<IngressNode>
{
    [Fact]
    public async Task A_pipelined_group_is_answered_in_order_and_the_message_is_queued()
    {
        await using var client = await WireClient.GreetedAsync(node.Relay);
        Assert.StartsWith("250-mx.node.test", await client.CommandAsync("EHLO raw.test"));

        await client.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<one@example.org>\r\nRCPT TO:<two@@example.org>\r\nRCPT TO:<three@example.org>\r\nDATA\r\n");
        Assert.Equal(
            ["250 2.1.0 Sender ok", "250 2.1.5 Recipient ok", "501 5.1.3 Bad recipient address syntax", "250 2.1.5 Recipient ok", "354 End data with <CR><LF>.<CR><LF>"],
            await client.ReadRepliesAsync(5));
        await client.SendAsync("Subject: raw\r\n\r\nraw\r\n.\r\nNOOP\r\n");
        var replies = await client.ReadRepliesAsync(2);

        var queued = await node.QueuedMessageAsync(IngressNode.QueueIdOf(replies[0]));
        Assert.Equal(["one@example.org", "three@example.org"], queued.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("address").GetString()!));
        Assert.Equal("250 2.0.0 Ok", replies[1]);
    }

    [Fact]
    public async Task Plaintext_injected_after_starttls_never_runs()
    {
        await using var client = await WireClient.GreetedAsync(node.Relay);
        Assert.StartsWith("250", await client.CommandAsync("EHLO raw.test"));

        await client.SendAsync("STARTTLS\r\nMAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadReplyAsync());
        await client.StartTlsAsync();

        Assert.StartsWith("250-mx.node.test", await client.CommandAsync("EHLO raw.test"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\n.\r\n")]
    public async Task A_smuggled_second_message_is_never_queued(string fakeEnd)
    {
        await using var client = await WireClient.GreetedAsync(node.Relay);
        Assert.StartsWith("250", await client.CommandAsync("EHLO raw.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));

        await client.SendAsync("Subject: outer\r\n\r\nhi" + fakeEnd + "MAIL FROM:<ceo@victim.example>\r\nRCPT TO:<x@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");

        Assert.Equal("550 5.5.2 Message contains bare CR or LF; lines must end with CRLF", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Over_long_lines_are_refused_and_the_session_continues()
    {
        await using var client = await WireClient.GreetedAsync(node.Relay);
        Assert.StartsWith("250", await client.CommandAsync("EHLO raw.test"));

        Assert.Equal("500 5.5.6 Line too long", await client.CommandAsync("MAIL FROM:<a@example.com> " + new string('X', 100_000)));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: long\r\n\r\n" + new string('y', 1200) + "\r\n.\r\n");
        Assert.Equal("550 5.6.0 Message contains a line that is too long", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task An_untrusted_loopback_address_is_refused_relay_while_a_trusted_one_is_allowed()
    {
        await using var untrusted = await WireClient.GreetedAsync(node.Relay, IngressNode.Untrusted);
        Assert.StartsWith("250", await untrusted.CommandAsync("EHLO outsider.test"));
        Assert.StartsWith("250", await untrusted.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("554 5.7.1 Relay access denied", await untrusted.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
        Assert.Equal("554 5.7.1 Relay access denied: no '%', '!' or '@' routing in the local part",
            await untrusted.CommandAsync($"RCPT TO:<someone%elsewhere.example@{IngressNode.AcceptedDomain}>"));
        Assert.Equal("250 2.1.5 Recipient ok", await untrusted.CommandAsync($"RCPT TO:<someone@{IngressNode.AcceptedDomain}>"));

        await using var trusted = await WireClient.GreetedAsync(node.Relay, System.Net.IPAddress.Loopback);
        Assert.StartsWith("250", await trusted.CommandAsync("EHLO insider.test"));
        Assert.StartsWith("250", await trusted.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 2.1.5 Recipient ok", await trusted.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
    }

    [Fact]
    public async Task An_untrusted_client_that_talks_first_is_refused()
    {
        // The relay listener's default pre-greeting wait (1s) applies to untrusted clients.
        await using var client = await WireClient.ConnectAsync(node.Relay, IngressNode.Untrusted);
        await client.SendAsync("EHLO impatient.test\r\n");

        Assert.Equal("554 5.5.0 Error: SMTP protocol synchronization: client spoke before the greeting", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
    }
}
