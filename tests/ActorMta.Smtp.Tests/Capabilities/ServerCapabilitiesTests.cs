using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Capabilities;

public class ServerCapabilitiesTests
{
    private static readonly ServerCapabilities Everything = new("mx.example.net", CommandLines.Everything, 26214400, ["plain", "LOGIN"]);

    [Fact]
    public void The_EHLO_reply_lists_every_offered_extension_in_order()
    {
        Assert.Equal(
            "250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n" +
            "250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250-DSN\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n",
            Wire.Show(Everything.EhloReply(CommandLines.Everything).Wire));
    }

    [Fact]
    public void A_session_offers_a_subset_and_nothing_beyond_what_the_listener_supports()
    {
        var beforeTls = CommandLines.Everything & ~SmtpExtensions.Auth;
        Assert.Equal(
            "250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n" +
            "250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250-DSN\r\n250 STARTTLS\r\n",
            Wire.Show(Everything.EhloReply(beforeTls).Wire));

        var small = new ServerCapabilities("relay.example", SmtpExtensions.Pipelining | SmtpExtensions.EnhancedStatusCodes, 0, greeting: "ESMTP ready");
        Assert.Equal("250-relay.example ESMTP ready\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n", Wire.Show(small.EhloReply(CommandLines.Everything).Wire));
        Assert.Equal("250 relay.example ESMTP ready\r\n", Wire.Show(small.EhloReply(SmtpExtensions.None).Wire));
    }

    [Fact]
    public void BINARYMIME_needs_CHUNKING_and_AUTH_needs_mechanisms()
    {
        var keywords = Everything.EhloKeywords(CommandLines.Everything & ~SmtpExtensions.Chunking);
        Assert.DoesNotContain("BINARYMIME", keywords);
        Assert.DoesNotContain("CHUNKING", keywords);

        var noMechanisms = new ServerCapabilities("mx.example.net", CommandLines.Everything, 100);
        Assert.DoesNotContain(noMechanisms.EhloKeywords(CommandLines.Everything), k => k.StartsWith("AUTH"));
    }

    [Fact]
    public void Each_subset_is_built_once_and_shared()
    {
        Assert.Same(Everything.EhloReply(SmtpExtensions.Pipelining), Everything.EhloReply(SmtpExtensions.Pipelining));
        Assert.Same(Everything.HeloReply, Everything.HeloReply);
        Assert.Equal("250 mx.example.net\r\n", Wire.Show(Everything.HeloReply.Wire));
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ServerCapabilities("not a host", SmtpExtensions.None, 0));
        Assert.Throws<ArgumentException>(() => new ServerCapabilities("mx.example", SmtpExtensions.Auth, 0, ["PL AIN"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerCapabilities("mx.example", SmtpExtensions.Size, -1));
    }
}
