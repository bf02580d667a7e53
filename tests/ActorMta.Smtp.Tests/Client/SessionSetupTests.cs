using System.Diagnostics;
using System.Net;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Client.Support;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>Connecting, greeting, EHLO/HELO and the egress source, against real servers on loopback.</summary>
public class SessionSetupTests
{
    [Fact]
    public async Task Greets_with_EHLO_and_reads_what_the_server_offers()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { MaxMessageSize = 5000, BinaryMime = true });
        await using var session = await Outbound.ConnectAsync(sink);

        Assert.Equal(220, session.Greeting.Code);
        Assert.Equal(new ServerExtensions(true, 5000, true, true, true, true, true, true, true, []), session.Extensions);
        Assert.Equal(["EHLO client.test"], sink.CommandLines());
        Assert.True(session.IsUsable);
        Assert.False(session.IsTls);
        Assert.Equal(sink.EndPoint, session.RemoteEndPoint);
    }

    [Fact]
    public async Task Falls_back_to_HELO_when_EHLO_is_not_recognized_and_then_uses_no_extension()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnHelo().Times(1).Reply(502, "5.5.1 Command not implemented");
        await using var session = await Outbound.ConnectAsync(sink);

        Assert.Equal(ServerExtensions.None, session.Extensions);
        var result = await session.SendAsync(Outbound.Message("Subject: old\r\n\r\nhi\r\n", "r@sink.test"));

        Assert.Equal([RecipientOutcome.Delivered], result.Outcomes());
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.False(message.Chunked);
        Assert.Empty(message.MailParameters);
        Assert.Equal(["EHLO client.test", "HELO client.test", "MAIL FROM:<sender@client.test>", "RCPT TO:<r@sink.test>", "DATA"], sink.CommandLines());
    }

    [Theory]
    [InlineData(421, "4.3.2 Service not available, closing", false)]
    [InlineData(554, "5.7.1 No SMTP service here", true)]
    public async Task A_refusing_greeting_fails_the_session_with_the_reply(int code, string text, bool permanent)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnConnect().Reply(code, text);

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink));

        Assert.Equal(SessionStage.Greeting, failure.Stage);
        Assert.Equal(code, failure.Reply?.Code);
        Assert.Equal(permanent, failure.IsPermanent);
        // 554: the server still talks, so the client says goodbye (RFC 5321 3.1); 421: it is closing anyway.
        if (permanent) await sink.WaitForCommandAsync("QUIT");
        else Assert.DoesNotContain("QUIT", sink.CommandLines());
    }

    [Fact]
    public async Task A_4yz_EHLO_is_not_a_reason_to_try_HELO()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnHelo().Reply(450, "4.7.1 Come back later");

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink));

        Assert.Equal(SessionStage.Ehlo, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.DoesNotContain("HELO client.test", sink.CommandLines());
    }

    [Fact]
    public async Task Binds_to_the_egress_source_address()
    {
        await using var sink = TestSmtpSink.Start();
        var source = IPAddress.Parse("127.0.0.2");
        await using var session = await Outbound.ConnectAsync(sink, localAddress: source);

        Assert.Equal(source, session.LocalEndPoint.Address);
        await session.SendAsync(Outbound.Message("Subject: from .2\r\n\r\n", "r@sink.test"));
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.Equal(source, message.RemoteEndPoint.Address);
    }

    [Fact]
    public async Task A_refused_connection_is_a_transient_connect_failure()
    {
        var closedPort = new IPEndPoint(IPAddress.Loopback, FreePort.Tcp());

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(closedPort));

        Assert.Equal(SessionStage.Connect, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.Contains("ConnectionRefused", failure.Message);
    }

    [Fact]
    public async Task A_server_that_never_greets_times_out_as_a_transient_failure()
    {
        await using var server = ScriptedServer.Start(peer => peer.WaitForCloseAsync());
        var options = Outbound.Options() with { Timeouts = Outbound.Timeouts with { Greeting = TimeSpan.FromMilliseconds(300) } };
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(server.EndPoint, options));

        Assert.Equal(SessionStage.Greeting, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.Contains("timed out", failure.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), Outbound.Patience);
        await server.Completion.WaitAsync(Outbound.Patience); // the client closed the connection
    }

    [Fact]
    public async Task Cancelling_the_connect_is_a_cancellation_not_a_failure_of_the_server()
    {
        await using var server = ScriptedServer.Start(peer => peer.WaitForCloseAsync());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SmtpClientSession.ConnectAsync(server.EndPoint, null, Outbound.Options(), cancel.Token));
        await server.Completion.WaitAsync(Outbound.Patience);
    }

    [Fact]
    public async Task QUIT_ends_the_session_politely()
    {
        await using var sink = TestSmtpSink.Start();
        var session = await Outbound.ConnectAsync(sink);

        await session.QuitAsync(CancellationToken.None);

        Assert.False(session.IsUsable);
        await sink.WaitForIdleAsync(Outbound.Patience);
        Assert.Equal(["EHLO client.test", "QUIT"], sink.CommandLines());
    }

    [Fact]
    public async Task A_server_that_closes_an_idle_connection_makes_the_session_unusable()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.GreetAsync();
            await peer.SendAsync("421 4.4.2 mx Error: timeout exceeded\r\n");
        });
        await using var session = await Outbound.ConnectAsync(server.EndPoint);
        await server.Completion.WaitAsync(Outbound.Patience); // the server said 421 and closed

        Assert.False(await Eventually.Returns(() => Task.FromResult(session.IsUsable), usable => !usable, Outbound.Patience, "the session to notice"));
    }
}
