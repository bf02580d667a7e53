using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Data;

/// <summary>
/// SMTP smuggling (CVE-2023-51764, -51765, -51766 and kin): a sender hides a second message behind an
/// end-of-data sequence that some server takes for the end and another does not. Here only CRLF.CRLF
/// ends the message, so every smuggled command must end up inside the first message.
/// </summary>
public class SmugglingTests
{
    private const string Head = "From: a@sender.example\r\nSubject: one\r\n\r\nfirst message";
    private const string Smuggled = "MAIL FROM:<admin@victim.example>\r\nRCPT TO:<target@victim.example>\r\nDATA\r\nFrom: admin@victim.example\r\n\r\nforged";
    private const string RealEnd = "\r\n.\r\n";
    private const string After = "QUIT\r\n";

    public static TheoryData<string> FakeEnds => new()
    {
        "\n.\n", "\r.\r", "\r.\n", "\n.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r\n\0.\r\n", "\r\n.\r\r\n",
        // and a few more of the same family
        "\n.\n\n", "\r\n.\n\r\n", "\n\r.\r\n", ".\n", "\n..\r\n",
    };

    [Theory]
    [MemberData(nameof(FakeEnds))]
    public void Rejected_by_default_the_smuggled_commands_stay_inside_the_message(string fakeEnd)
    {
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, Head + fakeEnd + Smuggled + RealEnd + After);

        Assert.True(outcome.Complete);
        Assert.Equal(After, outcome.Left); // ended only at the real CRLF.CRLF
        Assert.Contains("MAIL FROM:<admin@victim.example>\r\nRCPT TO:<target@victim.example>\r\nDATA\r\n", outcome.Body);
        Assert.EndsWith("forged\r\n", outcome.Body);
        Assert.NotEqual(DataViolations.None, outcome.Violations);
        var expected = fakeEnd.Contains('\0') && !fakeEnd.Replace("\r\n", "").Contains('\r') && !fakeEnd.Replace("\r\n", "").Contains('\n')
            ? SmtpReplies.NulInData
            : SmtpReplies.BareLineEndingInData;
        Assert.Equal(expected, outcome.Violations.ToRejectionReply());
    }

    [Theory]
    [MemberData(nameof(FakeEnds))]
    public void Normalized_the_smuggled_commands_stay_inside_the_message_and_every_line_ends_in_CRLF(string fakeEnd)
    {
        var limits = new SmtpLimits { BareLineEndings = BareLineEndingHandling.Normalize, AllowNulInData = true };
        var outcome = DataOutcome.ReadEveryWay(limits, Head + fakeEnd + Smuggled + RealEnd + After);

        Assert.True(outcome.Complete);
        Assert.Equal(After, outcome.Left);
        Assert.Equal(DataViolations.None, outcome.Violations);
        Assert.Contains("\r\nMAIL FROM:<admin@victim.example>\r\nRCPT TO:<target@victim.example>\r\nDATA\r\n", outcome.Body);
        Assert.EndsWith("forged\r\n", outcome.Body);
        var unpaired = outcome.Body.Replace("\r\n", "");
        Assert.DoesNotContain('\r', unpaired);
        Assert.DoesNotContain('\n', unpaired);
    }

    [Theory]
    [InlineData("\n.\n", "\r\n.\r\n")]
    [InlineData("\r.\r", "\r\n.\r\n")]
    [InlineData("\r.\n", "\r\n.\r\n")]
    [InlineData("\n.\r\n", "\r\n.\r\n")]
    [InlineData("\r\n.\n", "\r\n\r\n")] // a dot at line start followed by more is stuffing: dropped
    [InlineData("\r\n.\r", "\r\n\r\n")]
    [InlineData("\r\n.\r\r\n", "\r\n\r\n\r\n")]
    public void Normalizing_stores_CRLF_for_each_bare_ending_and_never_unstuffs_after_one(string fakeEnd, string stored)
    {
        var limits = new SmtpLimits { BareLineEndings = BareLineEndingHandling.Normalize };
        var outcome = DataOutcome.ReadEveryWay(limits, "x" + fakeEnd + "y" + RealEnd);

        Assert.Equal("x" + stored + "y\r\n", outcome.Body);
    }

    [Fact]
    public void In_reject_mode_the_stored_octets_are_the_unstuffed_wire_octets()
    {
        var outcome = DataOutcome.ReadEveryWay(SmtpLimits.Default, "x\n.\ny\r\n..z\r\n.\r\n");
        Assert.Equal("x\n.\ny\r\n.z\r\n", outcome.Body);
        Assert.Equal(DataViolations.BareLineEnding, outcome.Violations);
    }

    [Fact]
    public void A_NUL_before_the_dot_makes_an_ordinary_line_and_with_NUL_allowed_nothing_is_wrong()
    {
        var outcome = DataOutcome.ReadEveryWay(new SmtpLimits { AllowNulInData = true }, Head + "\r\n\0.\r\n" + Smuggled + RealEnd + After);
        Assert.Equal(After, outcome.Left);
        Assert.Equal(DataViolations.None, outcome.Violations);
        Assert.Contains("\r\n\0.\r\nMAIL FROM:<admin@victim.example>", outcome.Body);
    }
}
