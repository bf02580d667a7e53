using System.Text;
using ActorMta.Benchmarks.Latency;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.LoadGenerator;

/// <summary>The load generator's SMTP dialogue against the test sink: what it writes, and how it counts refusals.</summary>
public class LoadSessionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly LoadMessage Message = new("bench@src.example", "rcpt@dest.example", 1024);

    [Fact]
    public async Task Messages_on_one_connection_say_EHLO_once_and_arrive_whole()
    {
        await using var sink = TestSmtpSink.Start();
        await using var session = new LoadSession(sink.EndPoint, Message);

        Assert.Equal(LoadStage.None, (await session.OpenAsync(CancellationToken.None)).Stage);
        var outcomes = new List<MessageOutcome>();
        for (var i = 0; i < 3; i++) outcomes.Add(await session.SendMessageAsync(CancellationToken.None));
        await session.QuitAsync(CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.Accepted && o.LatencyTicks >= 0, o.ToString()));
        var received = await sink.WaitForMessagesAsync(3, Wait);
        Assert.All(received, m =>
        {
            Assert.Equal("bench@src.example", m.ReversePath);
            Assert.Equal("rcpt@dest.example", Assert.Single(m.Recipients).Address);
            Assert.Equal(1024, m.Body.Length);
            Assert.Equal(Encoding.ASCII.GetString(Message.Content) + "\r\n", m.BodyText);
            Assert.StartsWith("From: <bench@src.example>\r\nTo: <rcpt@dest.example>\r\n", m.BodyText, StringComparison.Ordinal);
        });
        Assert.Equal(1, sink.TotalConnections);
        Assert.Single(sink.Commands, c => c.Line.StartsWith("EHLO ", StringComparison.Ordinal));
        Assert.Equal(3, session.MessagesOnConnection);
    }

    [Fact]
    public async Task A_refused_recipient_is_counted_at_RCPT_and_reset_and_the_session_goes_on()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnRecipient().Times(1).Reply(550, "5.1.1 no such user");
        await using var session = new LoadSession(sink.EndPoint, Message);
        await session.OpenAsync(CancellationToken.None);

        var refused = await session.SendMessageAsync(CancellationToken.None);
        Assert.Equal((LoadStage.Rcpt, 550, false), (refused.Stage, refused.Code, refused.Accepted));
        Assert.Equal("550 5.1.1 no such user", session.RefusalText);
        Assert.True((await session.SendMessageAsync(CancellationToken.None)).Accepted);
        Assert.Contains(sink.Commands, c => c.Line == "RSET");
        Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
    }

    [Fact]
    public async Task A_refusal_of_the_content_is_counted_at_the_dot_without_RSET()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMessage().Times(1).Reply(451, "4.3.0 try again later");
        await using var session = new LoadSession(sink.EndPoint, Message);
        await session.OpenAsync(CancellationToken.None);

        var refused = await session.SendMessageAsync(CancellationToken.None);
        var accepted = await session.SendMessageAsync(CancellationToken.None);

        Assert.Equal((LoadStage.Dot, 451, false), (refused.Stage, refused.Code, refused.Accepted));
        Assert.True(accepted.Accepted);
        Assert.DoesNotContain(sink.Commands, c => c.Line == "RSET");
    }

    [Fact]
    public async Task A_421_closes_the_session_and_it_opens_again()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMailFrom().Times(1).ReplyAndClose(421, "4.3.2 shutting down");
        await using var session = new LoadSession(sink.EndPoint, Message);
        await session.OpenAsync(CancellationToken.None);

        var refused = await session.SendMessageAsync(CancellationToken.None);
        Assert.Equal((LoadStage.Mail, 421), (refused.Stage, refused.Code));
        Assert.False(session.IsOpen);

        Assert.Equal(LoadStage.None, (await session.OpenAsync(CancellationToken.None)).Stage);
        Assert.Equal(0, session.MessagesOnConnection);
        Assert.True((await session.SendMessageAsync(CancellationToken.None)).Accepted);
        Assert.Equal(2, sink.TotalConnections);
    }

    [Fact]
    public async Task A_refused_greeting_leaves_the_session_closed()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnConnect().Times(1).Reply(554, "5.7.1 not here");
        await using var session = new LoadSession(sink.EndPoint, Message);

        var opened = await session.OpenAsync(CancellationToken.None);

        Assert.Equal((LoadStage.Greeting, 554), (opened.Stage, opened.Code));
        Assert.Equal("554 5.7.1 not here", session.RefusalText);
        Assert.False(session.IsOpen);
    }

    [Theory]
    [InlineData("250-PIPELINING\r\n", 250, false)]
    [InlineData("250 OK\r\n", 250, true)]
    [InlineData("354\r\n", 354, true)]
    [InlineData("421", 421, true)]
    [InlineData("ok\r\n", 0, true)]
    [InlineData("2x0 no\r\n", 0, true)]
    public void A_reply_line_gives_its_code_and_whether_it_is_the_last(string line, int code, bool last)
    {
        Assert.Equal((code, last), (ReplyLine.Code(Encoding.ASCII.GetBytes(line), out var isLast), isLast));
    }

    [Fact]
    public void The_content_is_the_size_asked_for_and_has_no_line_starting_with_a_dot()
    {
        // From just above the headers (67 bytes) through a few 80-byte lines, so that every remainder is met.
        foreach (var size in Enumerable.Range(70, 330).Append(1024).Append(102400)) AssertContent(size);
    }

    private static void AssertContent(int size)
    {
        var message = new LoadMessage("a@b.example", "c@d.example", size);
        var text = Encoding.ASCII.GetString(message.Content) + "\r\n";
        Assert.Equal(size, message.Size);
        Assert.Equal(size, text.Length);
        Assert.DoesNotContain("\r\n.", text, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\nx", text, StringComparison.Ordinal);
        Assert.All(text.Split("\r\n"), line => Assert.True(line.Length <= 998));
    }
}
