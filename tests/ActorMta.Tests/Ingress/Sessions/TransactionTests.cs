using ActorMta.Queue;
using ActorMta.Smtp;
using ActorMta.Tests.Ingress.Support;
using ActorMta.Contracts;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>MAIL, RCPT and DATA to the queue's intake: the envelope, the body, and the reply for each answer.</summary>
public sealed class TransactionTests : IngressTestKit
{
    [Fact]
    public async Task A_message_goes_to_the_queue_and_250_waits_for_durability()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "sender@example.com", ["rcpt@example.org"], "Subject: hi\r\n\r\nHello\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        var envelope = enqueue.Envelope;
        Assert.Equal("sender@example.com", envelope.ReversePath);
        Assert.Equal([new EnvelopeRecipient("rcpt@example.org")], envelope.Recipients);
        Assert.Equal(new SubmittingClient("127.0.0.1", "client.test", "relay"), envelope.Client);
        Assert.Equal("Subject: hi\r\n\r\nHello\r\n", IngressTestBed.Content(enqueue));
        Assert.True(envelope.ReceivedAt > DateTimeOffset.UtcNow.AddMinutes(-1));

        bed.Enqueued("01ABCDEFGHJKMNPQ00");
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Esmtp_parameters_reach_the_envelope()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@example.com> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=env+2B1"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<one@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig+40example.org"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<two@example.org> NOTIFY=NEVER"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");
        var envelope = (await bed.ExpectEnqueueAsync()).Envelope;

        Assert.Equal(BodyType.EightBitMime, envelope.BodyType);
        Assert.Equal(DsnReturn.Headers, envelope.Ret);
        Assert.Equal("env+1", envelope.EnvelopeId);
        Assert.False(envelope.SmtpUtf8);
        Assert.Equal(
            [
                new EnvelopeRecipient("one@example.org", DsnNotify.Success | DsnNotify.Failure, "rfc822;orig@example.org"),
                new EnvelopeRecipient("two@example.org", DsnNotify.Never),
            ],
            envelope.Recipients);
    }

    [Fact]
    public async Task A_poison_ORCPT_is_refused_at_RCPT_and_the_transaction_goes_on()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@example.com> ENVID=ok"));

        // Decoded, this ORCPT holds CR LF: the outbound RCPT line could never be written (issue 10).
        Assert.Equal("501 5.5.4 Invalid ORCPT value: xtext decodes to a control character",
            await client.CommandAsync("RCPT TO:<b@example.org> ORCPT=rfc822;a+0D+0Abcc:x@evil.test"));
        Assert.Equal("501 5.5.4 Invalid ENVID value: xtext decodes to a control character",
            await client.CommandAsync("MAIL FROM:<other@example.com> ENVID=a+0A"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org> ORCPT=rfc822;b+40example.org"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");

        Assert.Equal([new EnvelopeRecipient("b@example.org", DsnNotify.Unspecified, "rfc822;b@example.org")],
            (await bed.ExpectEnqueueAsync()).Envelope.Recipients);
    }

    [Fact]
    public async Task Smtputf8_mail_carries_utf8_addresses()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<jösé@exämple.com> SMTPUTF8"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<ünï@exämple.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: ü\r\n\r\nü\r\n.\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.True(enqueue.Envelope.SmtpUtf8);
        Assert.Equal("jösé@exämple.com", enqueue.Envelope.ReversePath);
        Assert.Equal("ünï@exämple.org", enqueue.Envelope.Recipients[0].Address);
        Assert.Contains(" with UTF8SMTP id ", IngressTestBed.Text(enqueue));
    }

    [Fact]
    public async Task The_null_reverse_path_and_postmaster_are_accepted()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync(IngressTestBed.Untrusted);

        await IngressTestBed.SendMessageAsync(client, "", ["Postmaster"], "Subject: bounce\r\n\r\nx\r\n");
        var envelope = (await bed.ExpectEnqueueAsync()).Envelope;

        Assert.True(envelope.HasNullReversePath);
        Assert.Equal("postmaster@mx.test", envelope.Recipients.Single().Address);
    }

    [Fact]
    public async Task Dot_stuffing_is_removed()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: dots\r\n\r\n..leading dot\r\n...\r\n");

        Assert.Equal("Subject: dots\r\n\r\n.leading dot\r\n..\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task A_queue_that_cannot_store_the_message_gives_451_and_the_session_goes_on()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: x\r\n\r\nx\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Queue.Reply(new QueueIntake.NotEnqueued("message store unavailable"));

        Assert.Equal("451 4.3.0 Error: queue unavailable, try again later", await client.ReadReplyAsync());
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<b@example.org>"));
        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: again\r\n\r\nx\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ01");
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ01", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task A_queue_that_does_not_answer_in_time_gives_451_and_a_late_answer_is_ignored()
    {
        await using var bed = new IngressTestBed(this, acceptTimeout: TimeSpan.FromMilliseconds(500));
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: x\r\n\r\nx\r\n");
        await bed.ExpectEnqueueAsync();
        var lateSender = bed.Queue.LastSender;

        Assert.Equal("451 4.3.0 Error: queue unavailable, try again later", await client.ReadReplyAsync());
        // The late answer goes to the expired ask, not to the next transaction.
        lateSender.Tell(new QueueIntake.Enqueued("LATELATELATELATE00"), bed.Queue.Ref);
        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: again\r\n\r\nx\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ02");
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ02", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Several_transactions_share_one_connection()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        for (var i = 0; i < 3; i++)
        {
            await IngressTestBed.SendMessageAsync(client, "a@example.com", [$"r{i}@example.org"], $"Subject: {i}\r\n\r\n{i}\r\n");
            var enqueue = await bed.ExpectEnqueueAsync();
            Assert.Equal($"r{i}@example.org", enqueue.Envelope.Recipients.Single().Address);
            bed.Enqueued($"01ABCDEFGHJKMNPQ{i:00}");
            Assert.Equal($"250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ{i:00}", await client.ReadReplyAsync());
        }
    }

    [Fact]
    public async Task Recipients_beyond_the_limit_get_452_and_the_rest_still_go()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-recipients = 3");
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        for (var i = 0; i < 3; i++) Assert.StartsWith("250 2.1.5", await client.CommandAsync($"RCPT TO:<r{i}@example.org>"));

        Assert.Equal("452 4.5.3 Error: too many recipients", await client.CommandAsync("RCPT TO:<r3@example.org>"));
        Assert.Equal("452 4.5.3 Error: too many recipients", await client.CommandAsync("RCPT TO:<r4@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: x\r\n\r\nx\r\n.\r\n");

        Assert.Equal(["r0@example.org", "r1@example.org", "r2@example.org"], (await bed.ExpectEnqueueAsync()).Envelope.Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task The_default_recipient_limit_is_100()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        for (var i = 0; i < 100; i++) Assert.StartsWith("250 2.1.5", await client.CommandAsync($"RCPT TO:<r{i}@example.org>"));

        Assert.Equal("452 4.5.3 Error: too many recipients", await client.CommandAsync("RCPT TO:<r100@example.org>"));
    }

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_at_mail()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-message-size = 2048");
        await using var client = await bed.HelloAsync();

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.CommandAsync("MAIL FROM:<a@example.com> SIZE=2049"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com> SIZE=2048"));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_read_to_its_end_and_refused()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-message-size = 2048");
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 40)));

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_text_line_over_1000_octets_is_refused_by_default()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: long\r\n\r\n" + new string('x', 999) + "\r\n");

        Assert.Equal("550 5.6.0 Message contains a line that is too long", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task Long_text_lines_pass_when_configured_to()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.long-text-lines = accept");
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: long\r\n\r\n" + new string('x', 5000) + "\r\n");

        Assert.EndsWith(new string('x', 5000) + "\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task A_nul_octet_in_the_data_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: nul\r\n\r\na\0b\r\n");

        Assert.Equal("550 5.6.0 Message contains NUL octets", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }
}
