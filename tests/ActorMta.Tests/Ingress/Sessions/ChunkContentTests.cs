using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>
/// Issue 10 item 8: BDAT content meets the same text policy as DATA (actormta.smtp.bare-line-endings,
/// long-text-lines, NUL), over a real socket session. Chunk boundaries are not line boundaries.
/// </summary>
public sealed class ChunkContentTests : IngressTestKit
{
    private static async Task<WireClient> TransactionAsync(IngressTestBed bed)
    {
        var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        return client;
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "Subject: x\r\n\r\nhello\n.\nMAIL FROM:<ceo@victim.example>\r\n", "550 5.5.2 Message contains bare CR or LF; lines must end with CRLF" },
        { "Subject: x\r\n\r\nhello\rthere\r\n", "550 5.5.2 Message contains bare CR or LF; lines must end with CRLF" },
        { "Subject: x\r\n\r\nnul \0 here\r\n", "550 5.6.0 Message contains NUL octets" },
        { "Subject: x\r\n\r\n" + new string('a', 999) + "\r\n", "550 5.6.0 Message contains a line that is too long" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Bdat_content_that_DATA_would_refuse_is_refused(string content, string reply)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await TransactionAsync(bed);

        await client.SendAsync($"BDAT {content.Length} LAST\r\n{content}");

        Assert.Equal(reply, await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<b@example.org>"));
    }

    [Fact]
    public async Task A_bare_CR_that_ends_the_last_chunk_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await TransactionAsync(bed);

        await client.SendAsync("BDAT 14 LAST\r\nSubject: x\r\n\r\r");

        Assert.Equal("550 5.5.2 Message contains bare CR or LF; lines must end with CRLF", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task A_CRLF_split_between_two_chunks_is_one_line_end()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await TransactionAsync(bed);

        await client.SendAsync("BDAT 11\r\nSubject: x\r");
        Assert.StartsWith("250 2.0.0 Ok: 11", await client.ReadReplyAsync());
        // 998 octets and the CRLF: the longest line allowed, counted across the chunk boundary.
        await client.SendAsync($"BDAT 3\r\n\n{new string('a', 2)}");
        Assert.StartsWith("250 2.0.0 Ok: 14", await client.ReadReplyAsync());
        await client.SendAsync($"BDAT 998 LAST\r\n{new string('a', 996)}\r\n");

        Assert.Equal("Subject: x\r\n" + new string('a', 998) + "\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task When_normalizing_bare_line_endings_in_chunks_become_CRLF()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.bare-line-endings = normalize");
        await using var client = await TransactionAsync(bed);

        await client.SendAsync("BDAT 21 LAST\r\nSubject: x\n\nhi\rthere\n");

        Assert.Equal("Subject: x\r\n\r\nhi\r\nthere\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public async Task Long_lines_in_chunks_pass_when_long_text_lines_are_accepted()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.long-text-lines = accept");
        await using var client = await TransactionAsync(bed);
        var content = "Subject: x\r\n\r\n" + new string('a', 1500) + "\r\n";

        await client.SendAsync($"BDAT {content.Length} LAST\r\n{content}");

        Assert.Equal(content, IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }
}
