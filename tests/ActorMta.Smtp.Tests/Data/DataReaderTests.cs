using System.Buffers;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Data;

public class DataReaderTests
{
    [Fact]
    public void Reads_a_message_to_the_final_dot_and_keeps_the_CRLF_before_it()
    {
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, "Subject: hi\r\n\r\nHello\r\n.\r\n");

        Assert.Equal(new DataOutcome(true, "Subject: hi\r\n\r\nHello\r\n", "", DataViolations.None, 22, 22, 25), outcome);
    }

    [Fact]
    public void A_lone_dot_line_is_an_empty_message()
    {
        Assert.Equal(new DataOutcome(true, "", "", DataViolations.None, 0, 0, 3), DataOutcome.ReadEveryWay(SmtpLimits.Default, ".\r\n"));
    }

    [Fact]
    public void Pipelined_commands_after_the_end_stay_in_the_buffer()
    {
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, "body\r\n.\r\nMAIL FROM:<a@b.example>\r\nQUIT\r\n");

        Assert.Equal("body\r\n", outcome.Body);
        Assert.Equal("MAIL FROM:<a@b.example>\r\nQUIT\r\n", outcome.Left);
    }

    [Theory]
    [InlineData("..\r\n.\r\n", ".\r\n")]
    [InlineData("..hidden\r\n.\r\n", ".hidden\r\n")]
    [InlineData("...\r\n.\r\n", "..\r\n")]
    [InlineData("a\r\n..\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n")]
    [InlineData(".unstuffed anyway\r\n.\r\n", "unstuffed anyway\r\n")] // RFC 5321 4.5.2: the first dot goes
    [InlineData("a.b\r\n.a\r\n .\r\n.\r\n", "a.b\r\na\r\n .\r\n")]
    public void Dot_stuffing_is_removed_only_at_line_start(string wire, string body)
    {
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, wire);
        Assert.True(outcome.Complete);
        Assert.Equal(body, outcome.Body);
        Assert.Equal(DataViolations.None, outcome.Violations);
        Assert.Equal(body.Length, outcome.MessageSize);
        Assert.Equal(wire.Length, outcome.WireSize);
    }

    [Theory]
    [InlineData("text.\r\n")]
    [InlineData("text\r\n. \r\n")]
    [InlineData("text\r\n.x\r\n")]
    [InlineData("text\r\n.")]
    [InlineData("text\r\n.\r")]
    public void Anything_short_of_CRLF_dot_CRLF_does_not_end_the_message(string wire)
    {
        Assert.False(DataOutcome.ReadEveryWay(SmtpLimits.Default, wire).Complete);
    }

    [Fact]
    public void Binary_octets_other_than_CR_LF_NUL_pass_through()
    {
        var text = string.Concat(Enumerable.Range(1, 255).Where(b => b is not ('\r' or '\n')).Select(b => (char)b));
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, text + "\r\n.\r\n");
        Assert.Equal(text + "\r\n", outcome.Body);
        Assert.Equal(DataViolations.None, outcome.Violations);
    }

    [Fact]
    public void A_message_over_the_size_limit_is_read_to_its_end_but_not_stored_past_the_limit()
    {
        var limits = new SmtpLimits { MaxMessageSize = 20 };
        var outcome = DataOutcome.ReadEveryWay(limits, "0123456789\r\n0123456789\r\n0123456789\r\n.\r\nQUIT\r\n");

        Assert.True(outcome.Complete);
        Assert.Equal(DataViolations.TooBig, outcome.Violations);
        Assert.Equal(36, outcome.MessageSize);
        Assert.Equal(20, outcome.StoredSize);
        Assert.Equal(outcome.StoredSize, outcome.Body.Length);
        Assert.Equal("QUIT\r\n", outcome.Left);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", Wire.Show(outcome.Violations.ToRejectionReply()!.Wire));
    }

    [Fact]
    public void A_message_of_exactly_the_size_limit_is_accepted()
    {
        var outcome = DataOutcome.ReadEveryWay(new SmtpLimits { MaxMessageSize = 12 }, "0123456789\r\n.\r\n");
        Assert.Equal(DataViolations.None, outcome.Violations);
        Assert.Equal("0123456789\r\n", outcome.Body);
    }

    [Fact]
    public void A_text_line_over_the_limit_is_reported_at_the_end_and_the_message_is_kept()
    {
        var limits = new SmtpLimits { TextLineLength = 12 }; // 10 octets and CRLF
        var atLimit = DataOutcome.ReadEveryWay(limits, "0123456789\r\n..23456789\r\n.\r\n");
        var overLimit = DataOutcome.ReadEveryWay(limits, "0123456789A\r\n.\r\n");

        Assert.Equal(DataViolations.None, atLimit.Violations); // the stuffed dot does not count
        Assert.Equal(DataViolations.LineTooLong, overLimit.Violations);
        Assert.Equal("0123456789A\r\n", overLimit.Body);
        Assert.Equal(SmtpReplies.TextLineTooLong, overLimit.Violations.ToRejectionReply());
    }

    [Fact]
    public void The_default_text_line_limit_is_1000_octets_with_CRLF()
    {
        Assert.Equal(DataViolations.None, DataOutcome.Read(new string('a', 998) + "\r\n.\r\n").Violations);
        Assert.Equal(DataViolations.LineTooLong, DataOutcome.Read(new string('a', 999) + "\r\n.\r\n").Violations);
    }

    [Fact]
    public void NUL_is_refused_by_default_and_kept_when_allowed()
    {
        var refused = DataOutcome.ReadEveryWay(SmtpLimits.Default, "a\0b\r\n.\r\n");
        var allowed = DataOutcome.ReadEveryWay(new SmtpLimits { AllowNulInData = true }, "a\0b\r\n.\r\n");

        Assert.Equal(DataViolations.NulOctet, refused.Violations);
        Assert.Equal("550 5.6.0 Message contains NUL octets\r\n", Wire.Show(refused.Violations.ToRejectionReply()!.Wire));
        Assert.Equal(DataViolations.None, allowed.Violations);
        Assert.Equal("a\0b\r\n", allowed.Body);
    }

    [Fact]
    public void The_most_serious_violation_names_the_reply()
    {
        var all = DataViolations.BareLineEnding | DataViolations.NulOctet | DataViolations.TooBig | DataViolations.LineTooLong;
        Assert.Equal(SmtpReplies.BareLineEndingInData, all.ToRejectionReply());
        Assert.Equal(SmtpReplies.NulInData, (all & ~DataViolations.BareLineEnding).ToRejectionReply());
        Assert.Equal(SmtpReplies.MessageTooBig, (DataViolations.TooBig | DataViolations.LineTooLong).ToRejectionReply());
        Assert.Null(DataViolations.None.ToRejectionReply());
    }

    [Fact]
    public void Reset_starts_a_new_message_and_a_completed_reader_consumes_no_more()
    {
        var reader = new DataReader(new SmtpLimits { MaxMessageSize = 5 });
        var body = new ArrayBufferWriter<byte>();
        var buffer = new ReadOnlySequence<byte>(Wire.Octets("0123456789\r\n.\r\nNEXT"));
        Assert.True(reader.TryReadToEnd(ref buffer, body));
        Assert.True(reader.TryReadToEnd(ref buffer, body));
        Assert.Equal("NEXT", Wire.Show(buffer));
        Assert.Equal(DataViolations.TooBig, reader.Violations);

        reader.Reset();
        body.Clear();
        buffer = new ReadOnlySequence<byte>(Wire.Octets("ok\r\n.\r\n"));
        Assert.True(reader.TryReadToEnd(ref buffer, body));
        Assert.Equal(DataViolations.None, reader.Violations);
        Assert.Equal("ok\r\n", Wire.Show(body.WrittenSpan));
        Assert.Equal(7, reader.WireSize);
    }
}
