using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>
/// SMTP smuggling (CVE-2023-51764 and kin): a second message hidden behind an end-of-data marker
/// built from bare CR or LF. The session must never see two messages where the client sent one.
/// </summary>
public sealed class SmugglingTests : IngressTestKit
{
    private const string Smuggled = "MAIL FROM:<ceo@victim.example>\r\nRCPT TO:<target@victim.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nwire money\r\n";

    public static TheoryData<string> FakeEnds => new()
    {
        "\n.\n",
        "\n.\r\n",
        "\r\n.\n",
        "\r.\r",
        "\r\n.\r",
        "\r.\r\n",
        "\n.\r",
        "\r\n.\r\r\n",
        "\r\n\n.\r\n",
    };

    [Theory]
    [MemberData(nameof(FakeEnds))]
    public async Task A_fake_end_of_data_is_content_and_the_message_is_refused(string fakeEnd)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: hello\r\n\r\nhello" + fakeEnd + Smuggled);

        Assert.Equal("550 5.5.2 Message contains bare CR or LF; lines must end with CRLF", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
        // In step: the next reply answers our NOOP, not a smuggled command.
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
    }

    [Theory]
    [MemberData(nameof(FakeEnds))]
    public async Task When_normalizing_a_fake_end_still_makes_one_message(string fakeEnd)
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.bare-line-endings = normalize");
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: hello\r\n\r\nhello" + fakeEnd + Smuggled);
        var enqueue = await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ00");

        var content = IngressTestBed.Content(enqueue);
        Assert.Contains("wire money", content);
        Assert.DoesNotContain("\n", content.Replace("\r\n", ""));
        Assert.DoesNotContain("\r", content.Replace("\r\n", ""));
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task Bare_line_feeds_are_stored_as_crlf_when_normalizing()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.bare-line-endings = normalize");
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: lf\nX-Other: y\r\n\r\none\ntwo\r\n");

        Assert.Equal("Subject: lf\r\nX-Other: y\r\n\r\none\r\ntwo\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }
}
