using System.Net;
using System.Text;
using ActorMta.Ingress.Trace;

namespace ActorMta.Tests.Ingress.Trace;

public sealed class TraceTests
{
    private static readonly DateTimeOffset Date = new(2025, 3, 4, 9, 5, 0, TimeSpan.FromHours(1));

    [Fact]
    public void A_plain_esmtp_header_for_one_recipient()
    {
        var header = Format(new ReceivedTrace("client.example", IPAddress.Parse("192.0.2.7"), "mx.test", true, false, "A1-1",
            null, null, null, "rcpt@example.org", Date));

        Assert.Equal(
            "Received: from client.example ([192.0.2.7])\r\n\tby mx.test (ActorMta) with ESMTP id A1-1\r\n\tfor <rcpt@example.org>;\r\n\tTue, 04 Mar 2025 09:05:00 +0100\r\n",
            header);
    }

    [Fact]
    public void Tls_and_auth_are_noted_and_several_recipients_are_not_named()
    {
        var header = Format(new ReceivedTrace("[192.0.2.7]", IPAddress.Parse("2001:db8::7"), "mx.test", true, false, "B2-3",
            "TLSv1.3", "TLS_AES_256_GCM_SHA384", "alice", null, Date));

        Assert.Equal(
            "Received: from [192.0.2.7] ([IPv6:2001:db8::7])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n\t(authenticated as alice)\r\n" +
            "\tby mx.test (ActorMta) with ESMTPSA id B2-3;\r\n\tTue, 04 Mar 2025 09:05:00 +0100\r\n",
            header);
    }

    [Fact]
    public void A_user_name_cannot_break_out_of_its_comment()
    {
        var header = Format(new ReceivedTrace("c.example", IPAddress.Loopback, "mx.test", true, false, "C",
            "TLSv1.2", "X", "evil) by forged.example (\\", null, Date));

        Assert.Contains("(authenticated as evil\\) by forged.example \\(\\\\)", header);
    }

    [Theory]
    [InlineData(false, false, false, false, "SMTP")]
    [InlineData(true, false, false, false, "ESMTP")]
    [InlineData(true, true, false, false, "ESMTPS")]
    [InlineData(true, false, true, false, "ESMTPA")]
    [InlineData(true, true, true, false, "ESMTPSA")]
    [InlineData(true, false, false, true, "UTF8SMTP")]
    [InlineData(true, true, true, true, "UTF8SMTPSA")]
    public void The_with_protocol_follows_rfc_3848_and_6531(bool extended, bool tls, bool auth, bool utf8, string protocol)
    {
        Assert.Equal(protocol, ReceivedHeader.Protocol(extended, tls, auth, utf8));
    }

    [Fact]
    public void Dates_are_rfc_5322_with_a_numeric_zone()
    {
        Assert.Equal("Sat, 01 Feb 2025 23:59:59 -0330", ReceivedHeader.Rfc5322Date(new DateTimeOffset(2025, 2, 1, 23, 59, 59, TimeSpan.FromMinutes(-210))));
    }

    [Theory]
    [InlineData("Subject: x\r\n\r\nbody", 0)]
    [InlineData("Received: a\r\nreceived: b\r\nRECEIVED : c\r\n\r\nReceived: in the body\r\n", 3)]
    [InlineData("Received: a\r\n\tfolded\r\nX-Received: no\r\nReceivedX: no\r\n\r\n", 1)]
    [InlineData("Received: no blank line at all", 1)]
    [InlineData("", 0)]
    [InlineData("Received: a\r\r\nReceived: b\rc\r\n\r\nReceived: body\r\n", 2)]
    [InlineData("Subject: x\r\n\r\r\nReceived: not the end yet\r\n\r\n", 1)]
    public void Hops_are_counted_in_the_header_section_only(string message, int hops)
    {
        var octets = Encoding.ASCII.GetBytes(message);
        Assert.Equal(hops, HopCount.Count(octets));
        // A large message arrives in pieces (and is never whole in memory): every split counts the same.
        for (var piece = 1; piece <= 3; piece++)
        {
            var counter = new HopCounter();
            for (var i = 0; i < octets.Length; i += piece) counter.Feed(octets.AsSpan(i, Math.Min(piece, octets.Length - i)));
            Assert.Equal(hops, counter.Count);
        }
    }

    private static string Format(ReceivedTrace trace) => Encoding.UTF8.GetString(ReceivedHeader.Format(trace));
}
