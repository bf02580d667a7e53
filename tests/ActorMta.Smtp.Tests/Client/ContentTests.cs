using System.Text;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Client.Support;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>The body on the wire: dot-stuffed and CRLF-only by DATA, byte for byte by BDAT.</summary>
public class ContentTests
{
    private static SmtpClientOptions Options(bool chunking, bool pipelining = true, TlsPolicy tls = TlsPolicy.None) =>
        Outbound.Options(tls) with { UseChunking = chunking, UsePipelining = pipelining };

    private static async Task<ReceivedMessage> RelayAsync(byte[] body, SmtpClientOptions options, TestSmtpSinkOptions? sinkOptions = null)
    {
        await using var sink = TestSmtpSink.Start(sinkOptions);
        await using var session = await Outbound.ConnectAsync(sink, options);
        var result = await session.SendAsync(Outbound.Message(body, "r@sink.test"));
        Assert.Equal([RecipientOutcome.Delivered], result.Outcomes());
        return Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Lines_that_start_with_a_dot_arrive_byte_exact_through_DATA(bool pipelining)
    {
        var body = Encoding.ASCII.GetBytes("Subject: dots\r\n\r\n.\r\n..\r\n.hidden\r\nmiddle.\r\n. \r\n...\r\n.");
        var message = await RelayAsync(body, Options(chunking: false, pipelining));

        Assert.False(message.Chunked);
        Assert.Equal([.. body, .. "\r\n"u8], message.Body); // only the missing final CRLF was added
    }

    [Fact]
    public async Task Bare_LF_and_bare_CR_become_CRLF_in_DATA_so_nothing_can_be_smuggled()
    {
        var body = Encoding.ASCII.GetBytes("Subject: smuggle\r\n\r\nfirst\n.\nMAIL FROM:<evil@x>\nRCPT TO:<victim@y>\nDATA\nsecond\r.\r\nlast\r\n");
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Options(chunking: false));

        await session.SendAsync(Outbound.Message(body, "r@sink.test"));
        await session.QuitAsync(CancellationToken.None);
        await sink.WaitForIdleAsync(Outbound.Patience);

        var message = Assert.Single(sink.Transactions);
        Assert.Equal("Subject: smuggle\r\n\r\nfirst\r\n.\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<victim@y>\r\nDATA\r\nsecond\r\n.\r\nlast\r\n", message.BodyText);
        Assert.DoesNotContain(sink.CommandLines(), l => l.Contains("evil"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BDAT_relays_the_body_byte_for_byte(bool pipelining)
    {
        var body = Encoding.Latin1.GetBytes("Subject: exact\r\n\r\n.\r\nbare\nlf and bare\rcr\r\n\x80\xff no final line end");
        var message = await RelayAsync(body, Options(chunking: true, pipelining));

        Assert.True(message.Chunked);
        Assert.Equal(body, message.Body);
    }

    [Fact]
    public async Task An_empty_body_is_an_empty_chunk_or_a_lone_dot()
    {
        Assert.Empty((await RelayAsync([], Options(chunking: true))).Body);
        Assert.Empty((await RelayAsync([], Options(chunking: false))).Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_larger_than_a_chunk_goes_in_several_BDAT_chunks(bool pipelining)
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 250).Select(i => $"line {i:D4}\r\n"))); // 2750 octets
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Options(chunking: true, pipelining) with { MaxChunkSize = 1000 });

        await session.SendAsync(Outbound.Message(body, "r@sink.test"));

        Assert.Equal(body, Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience)).Body);
        Assert.Equal(["BDAT 1000", "BDAT 1000", "BDAT 750 LAST"], sink.CommandLines().Where(l => l.StartsWith("BDAT")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_refused_DATA_or_first_chunk_fails_the_message_and_the_next_transaction_starts_with_RSET(bool chunking)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnData().Times(1).Reply(554, "5.7.1 Not from you");
        await using var session = await Outbound.ConnectAsync(sink, Options(chunking, pipelining: false) with { MaxChunkSize = 10 });

        var refused = await session.SendAsync(Outbound.Message("0123456789abcdefghij", "r@sink.test"));
        var next = await session.SendAsync(Outbound.Message("second\r\n", "r@sink.test"));

        Assert.Equal([RecipientOutcome.Failed], refused.Outcomes());
        Assert.Equal(554, refused.DataReply!.Code);
        Assert.Equal([RecipientOutcome.Delivered], next.Outcomes());
        var lines = sink.CommandLines();
        Assert.Equal([chunking ? "BDAT 10" : "DATA", "RSET", "MAIL FROM:<sender@client.test> SIZE=8"],
            lines.SkipWhile(l => !l.StartsWith(chunking ? "BDAT" : "DATA")).Take(3));
        Assert.Equal("second\r\n", Assert.Single(sink.Messages).BodyText);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_large_body_streams_through_TLS_intact(bool chunking)
    {
        // 3 MiB: many pipe slices and (with BDAT) several chunks, dots and long lines included.
        var random = new Random(3030);
        var text = new StringBuilder("Subject: large\r\n\r\n");
        while (text.Length < 3 * 1024 * 1024)
        {
            text.Append(random.Next(4) == 0 ? "." : "").Append('y', random.Next(0, 990)).Append("\r\n");
        }
        var body = Encoding.ASCII.GetBytes(text.ToString());

        var message = await RelayAsync(body, Options(chunking, tls: TlsPolicy.Required), new TestSmtpSinkOptions { MaxMessageSize = null });

        Assert.True(message.Tls);
        Assert.Equal(chunking, message.Chunked);
        Assert.Equal(body.Length, message.Body.Length);
        Assert.Equal(body, message.Body);
    }
}
