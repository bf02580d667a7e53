using System.Text;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Client.Support;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>Transactions against the test sink: envelopes, bodies byte for byte, and per-recipient outcomes.</summary>
public class TransactionTests
{
    private static SmtpClientOptions Options(bool pipelining = true, bool chunking = false) =>
        Outbound.Options() with { UsePipelining = pipelining, UseChunking = chunking };

    /// <summary>A body of exactly <paramref name="size"/> octets, ending in CRLF as queued bodies do.</summary>
    private static string OfSize(int size) => new string('x', size - 2) + "\r\n";

    public static TheoryData<bool, bool> Modes => new() { { true, false }, { false, false }, { true, true }, { false, true } };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Each_recipient_gets_its_own_reply_and_outcome(bool pipelining, bool chunking)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnRecipient("later@sink.test").Reply(451, "4.2.1 Mailbox busy").OnRecipient("nobody@sink.test").Reply(550, "5.1.1 No such user");
        await using var session = await Outbound.ConnectAsync(sink, Options(pipelining, chunking));

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\nbody\r\n", "ok@sink.test", "later@sink.test", "nobody@sink.test", "ok2@sink.test"));

        Assert.Equal([RecipientOutcome.Delivered, RecipientOutcome.Deferred, RecipientOutcome.Failed, RecipientOutcome.Delivered], result.Outcomes());
        Assert.Equal([250, 451, 550, 250], result.RecipientReplies.Select(r => r!.Code));
        Assert.Equal("5.1.1", result.Decisive(2)!.Status.ToString());
        Assert.Equal(250, result.DataReply!.Code);
        Assert.False(result.LocalVerdict);
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.Equal(["ok@sink.test", "ok2@sink.test"], message.Recipients.Select(r => r.Address));
        Assert.Equal(chunking, message.Chunked);
    }

    [Theory]
    [InlineData(554, "5.6.0 Content rejected", RecipientOutcome.Failed)]
    [InlineData(451, "4.3.0 Queue trouble", RecipientOutcome.Deferred)]
    public async Task The_reply_to_the_content_decides_for_every_accepted_recipient(int code, string text, RecipientOutcome expected)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMessage().Reply(code, text).OnRecipient("gone@sink.test").Reply(550, "5.1.1 No such user");
        await using var session = await Outbound.ConnectAsync(sink, Options());

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "a@sink.test", "gone@sink.test", "b@sink.test"));

        Assert.Equal([expected, RecipientOutcome.Failed, expected], result.Outcomes());
        Assert.Equal(code, result.DataReply!.Code);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_refused_MAIL_fails_every_recipient(bool pipelining, bool chunking)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMailFrom().Times(1).Reply(550, "5.7.1 Sender blocked");
        await using var session = await Outbound.ConnectAsync(sink, Options(pipelining, chunking));

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "a@sink.test", "b@sink.test"));

        Assert.Equal([RecipientOutcome.Failed, RecipientOutcome.Failed], result.Outcomes());
        Assert.Equal(550, result.MailReply!.Code);
        Assert.Empty(sink.Transactions);
        // No transaction was opened, so the next one needs no RSET.
        var next = await session.SendAsync(Outbound.Message("Subject: y\r\n\r\n", "a@sink.test"));
        Assert.Equal([RecipientOutcome.Delivered], next.Outcomes());
        Assert.DoesNotContain("RSET", sink.CommandLines());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task With_no_recipient_accepted_no_content_is_sent_and_the_next_transaction_starts_with_RSET(bool pipelining, bool chunking)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnRecipient().Times(2).Reply(550, "5.1.1 No such user");
        await using var session = await Outbound.ConnectAsync(sink, Options(pipelining, chunking));

        var refused = await session.SendAsync(Outbound.Message("Subject: never\r\n\r\n", "a@sink.test", "b@sink.test"));
        var next = await session.SendAsync(Outbound.Message("Subject: second\r\n\r\n", "c@sink.test"));

        Assert.Equal([RecipientOutcome.Failed, RecipientOutcome.Failed], refused.Outcomes());
        Assert.Equal([RecipientOutcome.Delivered], next.Outcomes());
        var message = Assert.Single(await sink.WaitForTransactionsAsync(1, Outbound.Patience));
        Assert.Equal("Subject: second\r\n\r\n", message.BodyText);
        var lines = sink.CommandLines();
        Assert.Equal(chunking ? 1 : 0, lines.Count(l => l.StartsWith("BDAT")));
        // Pipelined DATA went out with the first group and was refused (554); lock-step never sent it.
        Assert.Equal(chunking ? 0 : pipelining ? 2 : 1, lines.Count(l => l == "DATA"));
        Assert.Equal("RSET", lines[lines.ToList().FindLastIndex(l => l.StartsWith("MAIL")) - 1]);
        Assert.Equal(2, session.Transactions);
    }

    [Fact]
    public async Task Several_transactions_share_one_connection_without_RSET_after_completed_ones()
    {
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Options());

        for (var i = 1; i <= 3; i++)
        {
            var result = await session.SendAsync(Outbound.Message($"Subject: {i}\r\n\r\n", $"r{i}@sink.test"));
            Assert.Equal([RecipientOutcome.Delivered], result.Outcomes());
        }

        var messages = await sink.WaitForMessagesAsync(3, Outbound.Patience);
        Assert.Equal(["Subject: 1\r\n\r\n", "Subject: 2\r\n\r\n", "Subject: 3\r\n\r\n"], messages.Select(m => m.BodyText));
        Assert.Single(messages.Select(m => m.ConnectionNumber).Distinct());
        Assert.Equal(3, session.Transactions);
        Assert.DoesNotContain("RSET", sink.CommandLines());
        Assert.True(session.IsUsable);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_421_ends_the_session_and_defers_whoever_has_no_final_answer(bool pipelining)
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnRecipient("second@sink.test").ReplyAndClose(421, "4.3.2 Shutting down");
        await using var session = await Outbound.ConnectAsync(sink, Options(pipelining));

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "first@sink.test", "second@sink.test", "third@sink.test"));

        Assert.Equal([RecipientOutcome.Deferred, RecipientOutcome.Deferred, RecipientOutcome.Deferred], result.Outcomes());
        Assert.Equal(250, result.RecipientReplies[0]!.Code);
        Assert.Equal(421, result.RecipientReplies[1]!.Code);
        Assert.Null(result.RecipientReplies[2]);
        Assert.False(session.IsUsable);
        Assert.Empty(sink.Transactions);
        await Assert.ThrowsAsync<SmtpClientException>(() => session.SendAsync(Outbound.Message("x", "r@sink.test")));
    }

    [Fact]
    public async Task A_421_to_the_content_defers_every_accepted_recipient()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMessage().ReplyAndClose(421, "4.3.2 Shutting down");
        await using var session = await Outbound.ConnectAsync(sink, Options());

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "a@sink.test"));

        Assert.Equal([RecipientOutcome.Deferred], result.Outcomes());
        Assert.False(session.IsUsable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_message_over_the_server_SIZE_is_refused_locally_without_sending_anything(bool pipelining)
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { MaxMessageSize = 1000 });
        await using var session = await Outbound.ConnectAsync(sink, Options(pipelining));

        var result = await session.SendAsync(Outbound.Message(OfSize(1001), "a@sink.test", "b@sink.test"));

        Assert.True(result.LocalVerdict);
        Assert.Equal([RecipientOutcome.Failed, RecipientOutcome.Failed], result.Outcomes());
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", result.Decisive(1)!.ToString());
        Assert.Equal(0, session.Transactions);
        Assert.True(session.IsUsable);

        await session.SendAsync(Outbound.Message(OfSize(1000), "a@sink.test"));
        Assert.Equal(["SIZE=1000"], Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience)).MailParameters.Where(p => p.StartsWith("SIZE")));
        Assert.Single(sink.CommandLines(), l => l.StartsWith("MAIL"));
    }

    [Fact]
    public async Task A_message_that_needs_SMTPUTF8_fails_with_5_6_7_at_a_server_without_it()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { SmtpUtf8 = false });
        await using var session = await Outbound.ConnectAsync(sink, Options());

        var result = await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "josé@sink.test") with { SmtpUtf8 = true });

        Assert.True(result.LocalVerdict);
        Assert.Equal(RecipientOutcome.Failed, result.OutcomeOf(0));
        Assert.Equal(553, result.Decisive(0)!.Code);
        Assert.Equal("5.6.7", result.Decisive(0)!.Status.ToString());
        Assert.DoesNotContain(sink.CommandLines(), l => l.StartsWith("MAIL"));
    }

    [Fact]
    public async Task SMTPUTF8_is_declared_when_offered_and_needed()
    {
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Options());

        await session.SendAsync(Outbound.Message("Subject: x\r\n\r\n", "josé@sink.test") with { SmtpUtf8 = true });
        await session.SendAsync(Outbound.Message("Subject: y\r\n\r\n", "ascii@sink.test"));

        var messages = await sink.WaitForMessagesAsync(2, Outbound.Patience);
        Assert.Contains("SMTPUTF8", messages[0].MailParameters);
        Assert.Equal("josé@sink.test", messages[0].Recipients[0].Address);
        Assert.DoesNotContain("SMTPUTF8", messages[1].MailParameters);
    }

    [Theory]
    [InlineData(true, "BODY=8BITMIME")]
    [InlineData(false, null)]
    public async Task BODY_8BITMIME_is_passed_on_when_offered(bool offered, string? parameter)
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { EightBitMime = offered });
        await using var session = await Outbound.ConnectAsync(sink, Options());
        var body = Encoding.UTF8.GetBytes("Subject: 8bit\r\n\r\nGrüße aus Köln\r\n");

        var result = await session.SendAsync(Outbound.Message(body, "r@sink.test") with { BodyType = BodyType.EightBitMime });

        Assert.Equal([RecipientOutcome.Delivered], result.Outcomes());
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.Equal(parameter, message.MailParameters.SingleOrDefault(p => p.StartsWith("BODY=")));
        Assert.Equal(body, message.Body);
    }

    [Fact]
    public async Task BINARYMIME_goes_by_BDAT_when_offered_and_is_refused_locally_when_not()
    {
        var body = Encoding.Latin1.GetBytes("Content-Type: application/octet-stream\r\n\r\n\0\x01\xff\r\x00\n.\r\n");
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { BinaryMime = true });
        await using var session = await Outbound.ConnectAsync(sink, Options(chunking: true));
        await using var plainSink = TestSmtpSink.Start();
        await using var plainSession = await Outbound.ConnectAsync(plainSink, Options(chunking: true));

        var sent = await session.SendAsync(Outbound.Message(body, "r@sink.test") with { BodyType = BodyType.BinaryMime });
        var refused = await plainSession.SendAsync(Outbound.Message(body, "r@sink.test") with { BodyType = BodyType.BinaryMime });

        Assert.Equal([RecipientOutcome.Delivered], sent.Outcomes());
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.Contains("BODY=BINARYMIME", message.MailParameters);
        Assert.Equal(body, message.Body);
        Assert.True(refused.LocalVerdict);
        Assert.Equal("554 5.6.3", refused.Decisive(0)!.ToString()[..9]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DSN_parameters_are_passed_on_when_offered(bool offered)
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Dsn = offered });
        await using var session = await Outbound.ConnectAsync(sink, Options());
        var message = new OutboundMessage("s@client.test",
            [new OutboundRecipient("r@sink.test", DsnNotify.Failure | DsnNotify.Delay, "rfc822;Orig+inal@sink.test")],
            "Subject: dsn\r\n\r\n"u8.ToArray(), EnvelopeId: "Q1=2", Ret: DsnReturn.Headers);

        await session.SendAsync(message);

        var received = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        if (offered)
        {
            Assert.Equal(["RET=HDRS", "ENVID=Q1+3D2"], received.MailParameters.Where(p => !p.StartsWith("SIZE")));
            Assert.Equal(["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;Orig+2Binal@sink.test"], received.Recipients[0].Parameters);
        }
        else
        {
            Assert.DoesNotContain(received.MailParameters, p => p.StartsWith("RET") || p.StartsWith("ENVID"));
            Assert.Empty(received.Recipients[0].Parameters);
        }
    }
}
