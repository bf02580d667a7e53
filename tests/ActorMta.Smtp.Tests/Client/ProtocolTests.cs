using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Client.Support;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>The conversation itself, against scripted servers: grouping, order, timeouts, broken peers.</summary>
public class ProtocolTests
{
    [Fact]
    public async Task Pipelined_commands_go_as_one_group_and_replies_map_to_recipients_in_order()
    {
        var group = new List<string>();
        string? content = null;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync("PIPELINING");
            // The whole group must arrive before any reply: a lock-step client would wait here forever.
            for (var i = 0; i < 5; i++) group.Add((await peer.ReadLineAsync())!);
            await peer.SendAsync("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 Unknown\r\n450 4.2.0 Greylisted\r\n354 Go ahead\r\n");
            content = await peer.ReadContentAsync();
            await peer.SendAsync("250 2.0.0 Queued\r\n");
            await peer.WaitForCloseAsync();
        });
        await using var session = await Outbound.ConnectAsync(server.EndPoint);

        var result = await session.SendAsync(Outbound.Message("Subject: p\r\n\r\n.dot\r\n", "one@x.test", "two@x.test", "three@x.test"));

        Assert.Equal(["MAIL FROM:<sender@client.test>", "RCPT TO:<one@x.test>", "RCPT TO:<two@x.test>", "RCPT TO:<three@x.test>", "DATA"], group);
        Assert.Equal([RecipientOutcome.Delivered, RecipientOutcome.Failed, RecipientOutcome.Deferred], result.Outcomes());
        Assert.Equal("Subject: p\r\n\r\n..dot\r\n", content);
    }

    [Fact]
    public async Task Without_PIPELINING_each_command_waits_for_its_reply()
    {
        string? afterRefusal = null;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync("8BITMIME");
            await peer.ExpectAsync("MAIL FROM:<sender@client.test>");
            await peer.SendAsync("550 5.7.1 Go away\r\n");
            // A pipelining client would have sent RCPT already; a lock-step one stops at the refused MAIL.
            afterRefusal = await peer.ReadLineAsync();
            await peer.SendAsync("221 2.0.0 Bye\r\n");
        });
        var session = await Outbound.ConnectAsync(server.EndPoint);

        var result = await session.SendAsync(Outbound.Message("x\r\n", "one@x.test", "two@x.test"));
        await session.QuitAsync(CancellationToken.None);
        await server.Completion.WaitAsync(Outbound.Patience);

        Assert.Equal([RecipientOutcome.Failed, RecipientOutcome.Failed], result.Outcomes());
        Assert.Equal([null, null], result.RecipientReplies);
        Assert.Equal("QUIT", afterRefusal);
    }

    [Fact]
    public async Task After_QUIT_the_client_lets_the_server_close_first()
    {
        var clientClosedFirst = true;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync("PIPELINING");
            await peer.SayGoodbyeAsync();
            // A client that closes as soon as it has the 221 shows here as the end of its input.
            // Returning from the script closes the server's side.
            var clientClose = peer.WaitForCloseAsync();
            clientClosedFirst = await Task.WhenAny(clientClose, Task.Delay(TimeSpan.FromSeconds(1))) == clientClose;
        });
        var session = await Outbound.ConnectAsync(server.EndPoint);

        await session.QuitAsync(CancellationToken.None);
        await server.Completion.WaitAsync(Outbound.Patience);

        // Until the server closes, the connection counts against its limits (a domain's max-connections).
        Assert.False(clientClosedFirst, "the client closed the connection before the server after QUIT");
    }

    [Fact]
    public async Task A_354_after_every_recipient_was_refused_gets_an_empty_message_not_the_body()
    {
        string? content = null;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync("PIPELINING");
            for (var i = 0; i < 3; i++) await peer.ReadLineAsync();
            await peer.SendAsync("250 Ok\r\n550 5.1.1 Unknown\r\n354 Go ahead anyway\r\n");
            content = await peer.ReadContentAsync();
            await peer.SendAsync("554 5.5.1 No valid recipients\r\n");
            await peer.ExpectAsync("MAIL"); // the next transaction: the reply to "." ended this one, so no RSET
            await peer.SendAsync("421 4.3.2 Bye for now\r\n");
        });
        await using var session = await Outbound.ConnectAsync(server.EndPoint);

        var result = await session.SendAsync(Outbound.Message("Subject: secret\r\n\r\nnot for you\r\n", "gone@x.test"));
        var next = await session.SendAsync(Outbound.Message("x\r\n", "r@x.test"));

        Assert.Equal("", content);
        Assert.Equal([RecipientOutcome.Failed], result.Outcomes());
        Assert.Equal([RecipientOutcome.Deferred], next.Outcomes());
        Assert.Equal(421, next.MailReply!.Code);
        Assert.False(session.IsUsable);
        await server.Completion.WaitAsync(Outbound.Patience);
    }

    [Fact]
    public async Task A_server_that_stops_answering_mid_transaction_times_out_and_breaks_the_session()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync();
            await peer.ExpectAsync("MAIL");
            await peer.WaitForCloseAsync(); // never answers
        });
        var options = Outbound.Options() with { Timeouts = Outbound.Timeouts with { Command = TimeSpan.FromMilliseconds(500) } };
        await using var session = await Outbound.ConnectAsync(server.EndPoint, options);

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => session.SendAsync(Outbound.Message("x\r\n", "r@x.test")));

        Assert.Equal(SessionStage.Transaction, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.Contains("timed out waiting for the reply to MAIL", failure.Message);
        Assert.False(session.IsUsable);
    }

    [Fact]
    public async Task The_wait_after_the_final_dot_has_its_own_timeout()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync();
            await peer.ExpectAsync("MAIL");
            await peer.SendAsync("250 Ok\r\n");
            await peer.ExpectAsync("RCPT");
            await peer.SendAsync("250 Ok\r\n");
            await peer.ExpectAsync("DATA");
            await peer.SendAsync("354 Go\r\n");
            await peer.ReadContentAsync();
            await peer.WaitForCloseAsync(); // swallows the message
        });
        var options = Outbound.Options() with { Timeouts = Outbound.Timeouts with { DataTermination = TimeSpan.FromMilliseconds(500) } };
        await using var session = await Outbound.ConnectAsync(server.EndPoint, options);

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => session.SendAsync(Outbound.Message("x\r\n", "r@x.test")));

        Assert.Contains("timed out waiting for the reply to the end of data", failure.Message);
        Assert.False(session.IsUsable);
    }

    [Theory]
    [InlineData("")] // the server just closes
    [InlineData("hello there\r\n")] // not a reply
    public async Task A_broken_reply_mid_transaction_is_a_transient_session_failure(string answer)
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync("PIPELINING");
            await peer.ExpectAsync("MAIL");
            await peer.SendAsync(answer);
        });
        await using var session = await Outbound.ConnectAsync(server.EndPoint);

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => session.SendAsync(Outbound.Message("x\r\n", "r@x.test")));

        Assert.Equal(SessionStage.Transaction, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.False(session.IsUsable);
    }

    [Fact]
    public async Task Multi_line_replies_and_replies_without_enhanced_codes_are_read_whole()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.SendAsync("220-mx.test ESMTP\r\n220-second greeting line\r\n220 ready\r\n");
            await peer.ExpectAsync("EHLO");
            await peer.SendAsync("250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n"); // multi-line, as every EHLO reply
            await peer.ExpectAsync("MAIL");
            await peer.ExpectAsync("RCPT");
            await peer.SendAsync("250 Ok\r\n550-5.7.1 Policy says no\r\n550-5.7.1 see https://mx.test/why\r\n550 5.7.1 really\r\n");
            await peer.WaitForCloseAsync();
        });
        await using var session = await Outbound.ConnectAsync(server.EndPoint, Outbound.Options() with { UseChunking = true });

        var result = await session.SendAsync(Outbound.Message("x\r\n", "r@x.test"));

        Assert.Equal(["mx.test ESMTP", "second greeting line", "ready"], session.Greeting.Lines);
        Assert.Equal(["Policy says no", "see https://mx.test/why", "really"], result.RecipientReplies[0]!.Lines);
        Assert.Equal(RecipientOutcome.Failed, result.OutcomeOf(0));
    }

    [Fact]
    public async Task After_a_421_nothing_more_is_sent_even_if_the_server_keeps_the_connection_open()
    {
        List<string>? lines = null;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync();
            await peer.ExpectAsync("MAIL");
            await peer.SendAsync("421 4.7.0 Too many errors, closing\r\n");
            await peer.WaitForCloseAsync(); // but does not close
            lines = peer.Lines;
        });
        var session = await Outbound.ConnectAsync(server.EndPoint);

        var result = await session.SendAsync(Outbound.Message("x\r\n", "r@x.test"));

        Assert.Equal([RecipientOutcome.Deferred], result.Outcomes());
        Assert.False(session.IsUsable);
        await Assert.ThrowsAsync<SmtpClientException>(() => session.SendAsync(Outbound.Message("y\r\n", "r@x.test")));
        await session.QuitAsync(CancellationToken.None); // closes without QUIT: the server has said goodbye
        await server.Completion.WaitAsync(Outbound.Patience);
        Assert.Equal(["EHLO client.test", "MAIL FROM:<sender@client.test>"], lines);
    }
}
