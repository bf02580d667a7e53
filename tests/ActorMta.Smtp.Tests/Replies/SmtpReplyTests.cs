using System.Buffers;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Replies;

public class SmtpReplyTests
{
    private static string Written(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Wire.Show(output.WrittenSpan);
    }

    [Theory]
    [InlineData(250, "2.0.0", new[] { "Ok" }, "250 2.0.0 Ok\r\n")]
    [InlineData(250, null, new[] { "Ok" }, "250 Ok\r\n")]
    [InlineData(354, null, new[] { "End data with <CR><LF>.<CR><LF>" }, "354 End data with <CR><LF>.<CR><LF>\r\n")]
    [InlineData(550, "5.1.1", new[] { "User unknown", "in virtual mailbox table" }, "550-5.1.1 User unknown\r\n550 5.1.1 in virtual mailbox table\r\n")]
    [InlineData(250, null, new[] { "mx.example", "PIPELINING", "SIZE 100" }, "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n")]
    [InlineData(250, null, new[] { "" }, "250\r\n")]
    [InlineData(250, null, new[] { "", "" }, "250-\r\n250\r\n")]
    [InlineData(250, "2.0.0", new[] { "" }, "250 2.0.0\r\n")]
    [InlineData(421, "4.7.0", new[] { "Try again later" }, "421 4.7.0 Try again later\r\n")]
    [InlineData(554, "5.999.999", new[] { "x" }, "554 5.999.999 x\r\n")]
    public void Formats_single_and_multi_line_replies_exactly(int code, string? status, string[] lines, string wire)
    {
        var reply = new SmtpReply(code, status is null ? null : EnhancedStatusCode.Parse(status), lines);

        Assert.Equal(wire, Wire.Show(reply.Wire));
        Assert.Equal(wire, Written(reply.WriteTo));
        Assert.Equal(wire[..^2], reply.ToString());
    }

    [Fact]
    public void A_text_starting_with_a_matching_enhanced_code_is_split()
    {
        var reply = new SmtpReply(550, "5.7.1 Relaying denied");
        Assert.Equal(new EnhancedStatusCode(5, 7, 1), reply.Status);
        Assert.Equal(["Relaying denied"], reply.Lines);

        var notAStatus = new SmtpReply(250, "5.7.1 looks like a status but the class differs");
        Assert.Null(notAStatus.Status);
        Assert.Equal("250 5.7.1 looks like a status but the class differs\r\n", Wire.Show(notAStatus.Wire));
    }

    [Theory]
    [InlineData(199)]
    [InlineData(600)]
    [InlineData(260)] // second digit above 5
    [InlineData(0)]
    public void Codes_outside_RFC_5321_are_refused(int code)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpReply(code, null, "x"));
    }

    [Theory]
    [InlineData("two\r\nlines")]
    [InlineData("bare\nLF")]
    [InlineData("bare\rCR")]
    public void Text_with_CR_or_LF_is_refused_so_no_reply_line_can_be_forged(string text)
    {
        Assert.Throws<ArgumentException>(() => new SmtpReply(250, null, text));
        Assert.Throws<ArgumentException>(() => Written(o => SmtpReply.Write(o, 250, null, text)));
    }

    [Fact]
    public void Status_class_must_match_the_code_and_a_reply_needs_a_line()
    {
        Assert.Throws<ArgumentException>(() => new SmtpReply(250, new EnhancedStatusCode(5, 0, 0), "x"));
        Assert.Throws<ArgumentException>(() => new SmtpReply(250, null, Array.Empty<string>()));
    }

    [Fact]
    public void Write_formats_a_run_time_line_into_the_buffer_writer()
    {
        Assert.Equal("250 2.0.0 Ok: queued as 01HX\r\n", Written(o => SmtpReply.Write(o, 250, new EnhancedStatusCode(2, 0, 0), "Ok: queued as 01HX")));
        Assert.Equal("250-first\r\n250 last\r\n", Written(o =>
        {
            SmtpReply.Write(o, 250, null, "first", last: false);
            SmtpReply.Write(o, 250, null, "last");
        }));
        Assert.Equal(Wire.Show(Wire.Utf8("554 5.7.1 für\r\n")), Written(o => SmtpReply.Write(o, 554, new EnhancedStatusCode(5, 7, 1), "für")));
    }

    [Fact]
    public void Replies_with_the_same_wire_form_are_equal()
    {
        Assert.Equal(new SmtpReply(250, "2.0.0 Ok"), SmtpReplies.Ok);
        Assert.Equal(new SmtpReply(250, "2.0.0 Ok").GetHashCode(), SmtpReplies.Ok.GetHashCode());
        Assert.NotEqual(new SmtpReply(250, "2.0.0 OK"), SmtpReplies.Ok);
    }

    [Theory]
    [InlineData(250, true, false, false, false)]
    [InlineData(354, false, true, false, false)]
    [InlineData(451, false, false, true, false)]
    [InlineData(554, false, false, false, true)]
    public void The_first_digit_says_the_outcome(int code, bool positive, bool intermediate, bool transient, bool permanent)
    {
        var reply = new SmtpReply(code, null, "x");
        Assert.Equal((positive, intermediate, transient, permanent),
            (reply.IsPositiveCompletion, reply.IsPositiveIntermediate, reply.IsTransientFailure, reply.IsPermanentFailure));
    }

    public static TheoryData<SmtpReply, string> LineLevelReplies => new()
    {
        { SmtpReplies.CommandLineTooLong, "500 5.5.6 Line too long\r\n" },
        { SmtpReplies.BareLineEndingInCommand, "500 5.5.2 Bare CR or LF in command line; commands end with CRLF\r\n" },
        { SmtpReplies.CommandUnrecognized, "500 5.5.1 Command unrecognized\r\n" },
        { SmtpReplies.CommandNotImplemented, "502 5.5.1 Command not implemented\r\n" },
        { SmtpReplies.BareLineEndingInData, "550 5.5.2 Message contains bare CR or LF; lines must end with CRLF\r\n" },
        { SmtpReplies.MessageTooBig, "552 5.3.4 Message size exceeds fixed maximum message size\r\n" },
        { SmtpReplies.StartMailInput, "354 End data with <CR><LF>.<CR><LF>\r\n" },
        { SmtpReplies.Closing, "221 2.0.0 Bye\r\n" },
    };

    [Theory]
    [MemberData(nameof(LineLevelReplies))]
    public void The_replies_a_session_sends_for_line_level_errors_are_exact(SmtpReply reply, string wire)
    {
        Assert.Equal(wire, Written(reply.WriteTo));
    }

    [Fact]
    public void Every_cached_reply_is_well_formed_and_carries_an_enhanced_code_except_354()
    {
        var replies = typeof(SmtpReplies).GetFields().Where(f => f.FieldType == typeof(SmtpReply)).Select(f => (f.Name, Reply: (SmtpReply)f.GetValue(null)!)).ToList();
        Assert.True(replies.Count > 40);
        foreach (var (name, reply) in replies)
        {
            Assert.True(reply.Code == 354 || reply.Status is not null, name);
            Assert.EndsWith("\r\n", Wire.Show(reply.Wire));
            Assert.True(reply.Wire.Length <= 512, name);
        }
        foreach (var parameter in Enum.GetValues<EsmtpParameter>())
        {
            Assert.StartsWith("501 5.5.4 Invalid ", SmtpReplies.InvalidParameterValue(parameter).ToString());
            Assert.StartsWith("501 5.5.4 Duplicate ", SmtpReplies.DuplicateParameter(parameter).ToString());
        }
    }
}
