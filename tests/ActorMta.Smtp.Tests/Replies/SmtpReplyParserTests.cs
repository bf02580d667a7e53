using System.Buffers;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Replies;

public class SmtpReplyParserTests
{
    private sealed record Parse(ReplyStatus Status, SmtpReply? Reply);

    private static List<Parse> ParseAll(SmtpLimits limits, IEnumerable<byte[]> chunks)
    {
        var parser = new SmtpReplyParser(limits);
        var input = new ChunkedInput();
        var results = new List<Parse>();
        foreach (var chunk in chunks)
        {
            var buffer = input.Arrive(chunk);
            ReplyStatus status;
            while ((status = parser.TryParse(ref buffer, out var reply)) != ReplyStatus.NeedMoreData) results.Add(new Parse(status, reply));
            input.Leave(buffer);
        }
        return results;
    }

    private static List<Parse> ParseAll(string wire) => ParseAll(SmtpLimits.Default, [Wire.Octets(wire)]);

    private static SmtpReply Single(string wire)
    {
        var parsed = Assert.Single(ParseAll(wire));
        Assert.Equal(ReplyStatus.Complete, parsed.Status);
        return parsed.Reply!;
    }

    [Fact]
    public void Reads_a_single_line_reply_with_an_enhanced_code()
    {
        var reply = Single("250 2.1.5 Recipient ok\r\n");
        Assert.Equal(new SmtpReply(250, new EnhancedStatusCode(2, 1, 5), "Recipient ok"), reply);
    }

    [Fact]
    public void Reads_a_multi_line_EHLO_reply_without_enhanced_codes()
    {
        var reply = Single("250-mx.example.net Hello\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n250 CHUNKING\r\n");
        Assert.Equal(250, reply.Code);
        Assert.Null(reply.Status);
        Assert.Equal(["mx.example.net Hello", "PIPELINING", "SIZE 35882577", "CHUNKING"], reply.Lines);
    }

    [Fact]
    public void Takes_the_enhanced_code_off_every_line_that_repeats_it()
    {
        var reply = Single("550-5.7.1 Message rejected\r\n550-5.7.1 see https://example.net/why\r\n550 5.7.1 bye\r\n");
        Assert.Equal(new EnhancedStatusCode(5, 7, 1), reply.Status);
        Assert.Equal(["Message rejected", "see https://example.net/why", "bye"], reply.Lines);
        Assert.Equal("550-5.7.1 Message rejected\r\n550-5.7.1 see https://example.net/why\r\n550 5.7.1 bye\r\n", Wire.Show(reply.Wire));
    }

    [Theory]
    [InlineData("250 5.0.0 class mismatch\r\n", "5.0.0 class mismatch")] // not an enhanced code for a 2yz reply
    [InlineData("250 2.0.0x\r\n", "2.0.0x")]
    [InlineData("250 Ok\r\n", "Ok")]
    [InlineData("250\r\n", "")]
    [InlineData("250 \r\n", "")]
    public void Servers_that_send_no_usable_enhanced_code_are_fine(string wire, string text)
    {
        var reply = Single(wire);
        Assert.Null(reply.Status);
        Assert.Equal([text], reply.Lines);
    }

    [Fact]
    public void Pipelined_replies_come_out_one_by_one()
    {
        var parsed = ParseAll("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 Go ahead\r\n");
        Assert.Equal([250, 250, 354], parsed.Select(p => p.Reply!.Code));
    }

    [Theory]
    [InlineData("25\r\n")]
    [InlineData("abc Ok\r\n")]
    [InlineData("199 Too low\r\n")]
    [InlineData("600 Too high\r\n")]
    [InlineData("260 Second digit\r\n")]
    [InlineData("250_Ok\r\n")]
    [InlineData("250Ok\r\n")]
    [InlineData("250-first\r\n251 second\r\n")]
    [InlineData("250 bare\nLF\r\n")]
    public void What_is_not_a_reply_is_malformed(string wire)
    {
        Assert.Equal(ReplyStatus.Malformed, ParseAll(wire).Last().Status);
    }

    [Fact]
    public void A_malformed_reply_leaves_the_parser_ready_for_the_next()
    {
        var parsed = ParseAll("250-first\r\n251 second\r\n220 ready\r\n");
        Assert.Equal([ReplyStatus.Malformed, ReplyStatus.Complete], parsed.Select(p => p.Status));
        Assert.Equal(220, parsed[1].Reply!.Code);
    }

    [Fact]
    public void Line_length_and_line_count_are_limited()
    {
        var limits = new SmtpLimits { ReplyLineLength = 32, MaxReplyLines = 3 };
        Assert.Equal(ReplyStatus.LineTooLong, ParseAll(limits, [Wire.Octets("250 " + new string('x', 40) + "\r\n")]).Single().Status);
        Assert.Equal(ReplyStatus.Complete, ParseAll(limits, [Wire.Octets("250-a\r\n250-b\r\n250 c\r\n")]).Single().Status);
        Assert.Equal(ReplyStatus.TooManyLines, ParseAll(limits, [Wire.Octets("250-a\r\n250-b\r\n250-c\r\n250 d\r\n")]).First().Status);
    }

    [Fact]
    public void Invalid_UTF8_in_text_does_not_throw()
    {
        var reply = Single("550 5.1.1 Benutzer \xfc\xff unbekannt\r\n");
        Assert.Contains('\uFFFD', reply.Lines[0]);
    }

    [Fact]
    public void Every_split_point_gives_the_same_replies()
    {
        var wire = Wire.Octets("250-mx.example\r\n250-8BITMIME\r\n250 2.0.0 SMTPUTF8\r\n550 5.1.1 <a@b>: unknown\r\n");
        var whole = ParseAll(SmtpLimits.Default, [wire]);
        Assert.Equal(2, whole.Count);
        foreach (var split in Wire.EverySplit(wire)) Assert.Equal(whole, ParseAll(SmtpLimits.Default, split));
        Assert.Equal(whole, ParseAll(SmtpLimits.Default, Wire.Chunks(wire, 1)));
    }

    [Fact]
    public void Every_cached_server_reply_parses_back_to_itself()
    {
        foreach (var reply in typeof(SmtpReplies).GetFields().Where(f => f.FieldType == typeof(SmtpReply)).Select(f => (SmtpReply)f.GetValue(null)!))
        {
            var buffer = new ReadOnlySequence<byte>(reply.Wire.ToArray());
            Assert.Equal(ReplyStatus.Complete, new SmtpReplyParser(SmtpLimits.Default).TryParse(ref buffer, out var parsed));
            Assert.Equal(reply, parsed);
        }
    }
}
