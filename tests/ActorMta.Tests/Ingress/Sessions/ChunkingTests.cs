using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>BDAT (RFC 3030) at the session level: chunks, LAST, refused chunks skipped, size, mixing with DATA.</summary>
public sealed class ChunkingTests : IngressTestKit
{
    [Fact]
    public async Task Chunks_make_one_message_exactly_as_sent()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));

        await client.SendAsync("BDAT 14\r\nSubject: x\r\n\r\n");
        Assert.Equal("250 2.0.0 Ok: 14 octets received", await client.ReadReplyAsync());
        // No dot-stuffing in BDAT: a line with a lone dot is content.
        await client.SendAsync("BDAT 12 LAST\r\n.\r\nbody\r\n.\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.Equal("Subject: x\r\n\r\n.\r\nbody\r\n.\r\n", IngressTestBed.Content(enqueue));
        bed.Enqueued("01ABCDEFGHJKMNPQ00");
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task An_empty_last_chunk_ends_the_message()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        await client.SendAsync("BDAT 10\r\nSubject: y");
        Assert.Equal("250 2.0.0 Ok: 10 octets received", await client.ReadReplyAsync());

        await client.SendAsync("BDAT 0 LAST\r\n");

        Assert.Equal("Subject: y", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task A_refused_chunk_is_skipped_so_the_next_command_is_found()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        // No transaction: 503, and the 20 octets (which look like a command) are read past, not run.
        await client.SendAsync("BDAT 20\r\nMAIL FROM:<evil@x>\r\n");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.ReadReplyAsync());

        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Data_and_rcpt_are_refused_once_chunking_has_begun()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        await client.SendAsync("BDAT 3\r\nabc");
        Assert.StartsWith("250", await client.ReadReplyAsync());

        Assert.Equal("503 5.5.1 Error: DATA not allowed after BDAT in the same transaction", await client.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Error: RCPT not allowed after BDAT in the same transaction", await client.CommandAsync("RCPT TO:<c@example.org>"));
        await client.SendAsync("BDAT 3 LAST\r\ndef");
        Assert.Equal("abcdef", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task A_chunk_that_would_pass_the_size_limit_is_refused_and_ends_the_transaction()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-message-size = 1024");
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        await client.SendAsync("BDAT 1000\r\n" + new string('a', 1000));
        Assert.StartsWith("250", await client.ReadReplyAsync());

        await client.SendAsync("BDAT 100 LAST\r\n" + new string('b', 100));

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<b@example.org>"));
    }

    [Fact]
    public async Task A_bdat_whose_size_cannot_be_read_closes_the_connection()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));

        Assert.Equal("501 5.5.4 Syntax: BDAT size [LAST]", await client.CommandAsync("BDAT ten"));
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task Bdat_needs_ehlo()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        Assert.StartsWith("250", await client.CommandAsync("HELO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));

        await client.SendAsync("BDAT 4 LAST\r\nabcd");

        Assert.Equal("503 5.5.1 Error: BDAT needs EHLO (CHUNKING)", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }
}
