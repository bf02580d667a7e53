using System.Text;
using ActorMta.Bounces;
using ActorMta.Delivery;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using MimeKit;
using MimeKit.Utils;
using static ActorMta.Tests.Bounces.DsnSamples;
using ActorMta.Contracts;

namespace ActorMta.Tests.Bounces;

public sealed class DsnBuilderTests
{
    [Fact]
    public void A_failure_DSN_is_a_multipart_report_to_the_sender_from_the_mail_system()
    {
        var envelope = Envelope([Recipient()]);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(), Now);

        var parsed = Parse(dsn);
        var message = parsed.Message;
        Assert.Equal("MAILER-DAEMON@" + Hostname, Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Address);
        Assert.Equal(Sender, Assert.IsType<MailboxAddress>(Assert.Single(message.To)).Address);
        Assert.Equal("Undelivered Mail Returned to Sender", message.Subject);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);
        Assert.EndsWith("@" + Hostname, message.MessageId);
        Assert.Equal("delivery-status", parsed.Report.ReportType);
        Assert.Equal(3, parsed.Report.Count);
        Assert.Equal("text/plain", parsed.Report[0].ContentType.MimeType);
        Assert.Equal("message/delivery-status", parsed.Status.ContentType.MimeType);
        Assert.Equal("message/rfc822", parsed.Report[2].ContentType.MimeType);
        Assert.Equal(ReturnedContent.FullMessage, dsn.Returned);
    }

    [Fact]
    public void The_DSN_envelope_has_a_null_reverse_path_and_asks_for_no_DSN_itself()
    {
        var envelope = Envelope([Recipient("a@dest.example"), Recipient("b@dest.example")]);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(), Now);

        Assert.True(dsn.Envelope.HasNullReversePath);
        var recipient = Assert.Single(dsn.Envelope.Recipients);
        Assert.Equal(Sender, recipient.Address);
        Assert.Equal(DsnNotify.Never, recipient.Notify);
        Assert.Null(dsn.Envelope.EnvelopeId);
        Assert.False(dsn.Envelope.SmtpUtf8);
        Assert.Equal(BodyType.SevenBit, dsn.Envelope.BodyType);
        Assert.Equal(Now, dsn.Envelope.ReceivedAt);
        Assert.Equal(DsnBuilder.ListenerName, dsn.Envelope.Client.Listener);
    }

    [Fact]
    public void Per_message_fields_name_the_reporting_MTA_the_arrival_and_the_queue_id()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser), Original(), Now);

        var fields = Parse(dsn).PerMessage;
        Assert.Equal("dns; " + Hostname, fields["Reporting-MTA"]);
        Assert.Equal(AcceptedAt, Date(fields["Arrival-Date"]));
        Assert.Equal("Q0003ABCDEF", fields["X-ActorMta-Queue-ID"]);
        Assert.False(fields.Contains("Original-Envelope-Id"));
    }

    [Fact]
    public void A_failed_recipient_reports_what_the_remote_server_said()
    {
        var request = Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser, "mx1.dest.example", attempts: 2);
        var dsn = Builder().Build(request, Original(), Now);

        var fields = Parse(dsn).Recipient(0);
        Assert.Equal("rfc822; rcpt@dest.example", fields["Final-Recipient"]);
        Assert.Equal("failed", fields["Action"]);
        Assert.Equal("5.1.1", fields["Status"]);
        Assert.Equal("dns; mx1.dest.example", fields["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 <rcpt@dest.example>: no such user", fields["Diagnostic-Code"]);
        Assert.Equal(request.Recipients[0].At, Date(fields["Last-Attempt-Date"]));
        Assert.False(fields.Contains("Will-Retry-Until"));
        Assert.False(fields.Contains("Original-Recipient"));
        Assert.Contains("<rcpt@dest.example>: host mx1.dest.example said: 550 5.1.1 <rcpt@dest.example>: no such user", Parse(dsn).Explanation);
    }

    [Fact]
    public void An_expired_recipient_is_failed_with_status_4_4_7_and_keeps_the_last_reply()
    {
        var request = Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Expired, TryLater, "mx2.dest.example", attempts: 7);
        var dsn = Builder().Build(request, Original(), Now);

        var parsed = Parse(dsn);
        var fields = parsed.Recipient(0);
        Assert.Equal("failed", fields["Action"]);
        Assert.Equal("4.4.7", fields["Status"]);
        Assert.Equal("smtp; 451 4.7.1 greylisted, try again later", fields["Diagnostic-Code"]);
        Assert.Equal("dns; mx2.dest.example", fields["Remote-MTA"]);
        // Its "At" is the moment of expiry, not an attempt.
        Assert.False(fields.Contains("Last-Attempt-Date"));
        Assert.Contains("delivery time expired after 7 attempts", parsed.Explanation);
    }

    [Fact]
    public void An_expired_recipient_no_server_answered_has_no_diagnostic_code()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Expired, reply: null, host: null, attempts: 0), Original(), Now);

        var fields = Parse(dsn).Recipient(0);
        Assert.Equal("4.4.7", fields["Status"]);
        Assert.False(fields.Contains("Diagnostic-Code"));
        Assert.False(fields.Contains("Remote-MTA"));
        Assert.Contains("no mail server answered", Parse(dsn).Explanation);
    }

    [Theory]
    [InlineData(DsnKind.Failure, RecipientStatus.Failed, 550, null, "5.0.0")]
    [InlineData(DsnKind.Failure, RecipientStatus.Failed, 554, "4.2.0", "5.0.0")]
    [InlineData(DsnKind.Failure, RecipientStatus.Failed, 552, "5.3.4", "5.3.4")]
    [InlineData(DsnKind.Failure, RecipientStatus.Failed, 550, "5.x.1", "5.0.0")]
    [InlineData(DsnKind.Delay, RecipientStatus.Deferred, 421, null, "4.0.0")]
    [InlineData(DsnKind.Delay, RecipientStatus.Deferred, 450, "4.2.1", "4.2.1")]
    [InlineData(DsnKind.Success, RecipientStatus.Delivered, 250, null, "2.0.0")]
    [InlineData(DsnKind.Success, RecipientStatus.Delivered, 250, "2.6.0", "2.6.0")]
    public void Status_is_the_enhanced_code_of_the_right_class_else_the_generic_one(DsnKind kind, RecipientStatus status, int code, string? enhanced, string expected)
    {
        var dsn = Builder().Build(Request(kind, Envelope([Recipient()]), status, new RemoteReply(code, enhanced, "text")), Original(), Now);

        Assert.Equal(expected, Parse(dsn).Recipient(0)["Status"]);
    }

    [Fact]
    public void A_failure_with_no_reply_at_all_is_5_0_0_without_diagnostic()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, reply: null, host: null), Original(), Now);

        var fields = Parse(dsn).Recipient(0);
        Assert.Equal("5.0.0", fields["Status"]);
        Assert.False(fields.Contains("Diagnostic-Code"));
        Assert.Contains("<rcpt@dest.example>: delivery failed", Parse(dsn).Explanation);
    }

    [Fact]
    public void A_delay_DSN_says_until_when_it_is_retried_and_returns_headers_only()
    {
        var envelope = Envelope([Recipient(notify: DsnNotify.Delay | DsnNotify.Failure)], ret: DsnReturn.Full);
        var dsn = Builder().Build(Request(DsnKind.Delay, envelope, RecipientStatus.Deferred, TryLater, attempts: 3), Original(), Now);

        var parsed = Parse(dsn);
        Assert.Equal("Delayed Mail (still being retried)", parsed.Message.Subject);
        var fields = parsed.Recipient(0);
        Assert.Equal("delayed", fields["Action"]);
        Assert.Equal("4.7.1", fields["Status"]);
        Assert.Equal(AcceptedAt + MaxLifetime, Date(fields["Will-Retry-Until"]));
        Assert.False(fields.Contains("Last-Attempt-Date"));
        Assert.Equal(ReturnedContent.Headers, dsn.Returned);
        Assert.Equal("text/rfc822-headers", parsed.Report[2].ContentType.MimeType);
        Assert.Contains("not delivered yet after 3 attempts", parsed.Explanation);
        Assert.Contains(DateUtils.FormatDate(AcceptedAt + MaxLifetime), parsed.Explanation);
    }

    /// <summary>Issue 10: returned headers are capped (actormta.bounces.return-headers-max-size), cut at a header boundary.</summary>
    [Fact]
    public void Returned_headers_are_cut_at_a_header_boundary_under_the_cap()
    {
        // 2,000 headers of ~60 octets (one folded), ~120 KiB of header section: far over a 4 KiB cap.
        var extra = string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-Filler-{i:D4}: {new string('f', 40)}\r\n\t{new string('g', 8)}\r\n"));
        var original = Original(extraHeaders: extra);
        var envelope = Envelope([Recipient()], ret: DsnReturn.Headers);
        var dsn = Builder(Settings() with { ReturnHeadersMaxSize = 4096 }).Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), original, Now);

        var part = Assert.IsType<TextRfc822Headers>(Parse(dsn).Report[2]);
        using var returned = new MemoryStream();
        part.Message!.Headers.WriteTo(returned);
        var text = Encoding.UTF8.GetString(returned.ToArray()).Replace("\r\n", "\n"); // MimeKit writes the platform's line ends
        Assert.InRange(returned.Length, 1, 4096);
        Assert.StartsWith("Received: from client.example", text);
        Assert.Contains("Subject: Quarterly report\n", text);
        Assert.DoesNotContain("X-Filler-1999", text);
        // The last field is whole, its folded line included: the cut falls where a new field begins.
        var last = text.TrimEnd('\n').Split('\n').Last();
        Assert.Equal("\t" + new string('g', 8), last);
        Assert.True(dsn.Body.Length < 20_000, $"DSN of {dsn.Body.Length} octets");
    }

    [Fact]
    public void The_cap_on_returned_headers_is_64KiB_by_default()
    {
        Assert.Equal(64 * 1024, DsnSamples.Settings().ReturnHeadersMaxSize);
    }

    [Fact]
    public void A_success_DSN_reports_the_recipient_relayed_with_headers_only()
    {
        var envelope = Envelope([Recipient(notify: DsnNotify.Success)], ret: DsnReturn.Full);
        var request = Request(DsnKind.Success, envelope, RecipientStatus.Delivered, Queued, "mx1.dest.example");
        var dsn = Builder().Build(request, Original(), Now);

        var parsed = Parse(dsn);
        Assert.Equal("Successful Mail Delivery Report", parsed.Message.Subject);
        var fields = parsed.Recipient(0);
        Assert.Equal("relayed", fields["Action"]);
        Assert.Equal("2.0.0", fields["Status"]);
        Assert.Equal("smtp; 250 2.0.0 Ok: queued as 4XyZ", fields["Diagnostic-Code"]);
        Assert.Equal(request.Recipients[0].At, Date(fields["Last-Attempt-Date"]));
        Assert.Equal(ReturnedContent.Headers, dsn.Returned);
    }

    [Fact]
    public void Every_recipient_of_the_request_gets_its_own_group_in_order()
    {
        var envelope = Envelope([Recipient("a@one.example"), Recipient("b@two.example"), Recipient("c@three.example")]);
        var request = Request(DsnKind.Failure, envelope,
            new DsnRecipient(0, envelope.Recipients[0], RecipientStatus.Failed, NoSuchUser, "mx.one.example", 1, Now),
            new DsnRecipient(2, envelope.Recipients[2], RecipientStatus.Expired, TryLater, "mx.three.example", 9, Now));
        var dsn = Builder().Build(request, Original(), Now);

        var parsed = Parse(dsn);
        Assert.Equal(3, parsed.Status.StatusGroups.Count);
        Assert.Equal(["rfc822; a@one.example", "rfc822; c@three.example"], parsed.Status.StatusGroups.Skip(1).Select(g => g["Final-Recipient"]));
        Assert.Equal(["5.1.1", "4.4.7"], parsed.Status.StatusGroups.Skip(1).Select(g => g["Status"]));
        Assert.Contains("<a@one.example>:", parsed.Explanation);
        Assert.Contains("<c@three.example>:", parsed.Explanation);
        Assert.DoesNotContain("b@two.example", parsed.Explanation);
    }

    [Fact]
    public void ENVID_and_ORCPT_are_carried_into_the_report()
    {
        var envelope = Envelope([Recipient("rcpt@dest.example", orcpt: "rfc822;Original.Rcpt@list.example")], envelopeId: "QQ314159");
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(), Now);

        var parsed = Parse(dsn);
        Assert.Equal("QQ314159", parsed.PerMessage["Original-Envelope-Id"]);
        Assert.Equal("rfc822; Original.Rcpt@list.example", parsed.Recipient(0)["Original-Recipient"]);
        Assert.Equal("rfc822; rcpt@dest.example", parsed.Recipient(0)["Final-Recipient"]);
        // RFC 3464 2.3: Original-Recipient comes before Final-Recipient.
        Assert.Equal(["Original-Recipient", "Final-Recipient"], parsed.Recipient(0).Take(2).Select(h => h.Field));
    }

    [Theory]
    [InlineData(DsnReturn.Full, 5_000, ReturnedContent.FullMessage)]
    [InlineData(DsnReturn.Full, 20_000, ReturnedContent.Headers)]
    [InlineData(DsnReturn.Headers, 100, ReturnedContent.Headers)]
    [InlineData(DsnReturn.Unspecified, 500, ReturnedContent.FullMessage)]
    [InlineData(DsnReturn.Unspecified, 5_000, ReturnedContent.Headers)]
    public void RET_and_the_size_limits_decide_what_comes_back(DsnReturn ret, int bodySize, ReturnedContent expected)
    {
        var original = Original(body: new string('x', 70) + "\r\n" + string.Concat(Enumerable.Repeat(new string('y', 98) + "\r\n", bodySize / 100)));
        var dsn = Builder(Settings(returnFullMaxSize: 10_000, returnUnspecifiedMaxSize: 1_000))
            .Build(Request(DsnKind.Failure, Envelope([Recipient()], ret: ret), RecipientStatus.Failed, NoSuchUser), original, Now);

        Assert.Equal(expected, dsn.Returned);
        var returned = Parse(dsn).Report[2];
        if (expected == ReturnedContent.FullMessage)
        {
            Assert.Equal("message/rfc822", returned.ContentType.MimeType);
            Assert.IsType<MessagePart>(returned);
            AssertCarriedVerbatim(original, dsn);
            Assert.Contains("Your message is attached.", Parse(dsn).Explanation);
        }
        else
        {
            Assert.Equal("text/rfc822-headers", returned.ContentType.MimeType);
            var headers = Assert.IsType<TextRfc822Headers>(returned).Message!.Headers;
            Assert.Equal(["Received", "From", "To", "Subject", "Message-ID"], headers.Select(h => h.Field));
            Assert.Equal("<original-1@origin.example>", headers["Message-ID"]);
            Assert.DoesNotContain("yyyy", Encoding.UTF8.GetString(dsn.Body));
            Assert.Contains("The headers of your message are attached.", Parse(dsn).Explanation);
        }
    }

    [Fact]
    public void Without_the_stored_body_the_DSN_has_two_parts_and_says_why()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()], ret: DsnReturn.Full), RecipientStatus.Failed, NoSuchUser), original: null, Now);

        var parsed = Parse(dsn);
        Assert.Equal(ReturnedContent.Nothing, dsn.Returned);
        Assert.Equal(2, parsed.Report.Count);
        Assert.Contains("Your message is not attached", parsed.Explanation);
        Assert.Equal("5.1.1", parsed.Recipient(0)["Status"]);
    }

    [Fact]
    public void A_body_without_a_header_section_is_not_returned()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser), Array.Empty<byte>(), Now);

        Assert.Equal(ReturnedContent.Nothing, dsn.Returned);
        Assert.Equal(2, Parse(dsn).Report.Count);
    }

    [Fact]
    public void An_8bit_original_is_returned_unchanged_in_an_8bit_part_and_the_DSN_goes_as_8BITMIME()
    {
        var original = Original(body: "Grüße aus Köln, façade naïve\r\n", extraHeaders: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n");
        var envelope = Envelope([Recipient()], bodyType: BodyType.EightBitMime);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), original, Now);

        Assert.Equal(BodyType.EightBitMime, dsn.Envelope.BodyType);
        Assert.False(dsn.Envelope.SmtpUtf8);
        var parsed = Parse(dsn);
        var returned = Assert.IsType<MessagePart>(parsed.Report[2]);
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("8bit", returned.Headers[HeaderId.ContentTransferEncoding]);
        Assert.Equal("8bit", parsed.Report.Headers[HeaderId.ContentTransferEncoding]);
        AssertCarriedVerbatim(original, dsn);
        // The report itself stays ASCII: only the returned message is 8-bit.
        Assert.Equal("7bit", parsed.Status.Headers[HeaderId.ContentTransferEncoding]);
    }

    [Fact]
    public void An_ASCII_original_gives_a_7bit_DSN_with_no_8bit_labels()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser), Original(), Now);

        Assert.Equal(BodyType.SevenBit, dsn.Envelope.BodyType);
        Assert.True(dsn.Body.All(b => b < 0x80));
        Assert.DoesNotContain("Content-Transfer-Encoding: 8bit", Encoding.ASCII.GetString(dsn.Body));
    }

    [Fact]
    public void An_SMTPUTF8_original_gets_an_SMTPUTF8_DSN_with_the_global_types()
    {
        const string sender = "sénder@exämple.test";
        const string recipient = "用户@例え.example";
        var original = Encoding.UTF8.GetBytes($"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: Grüße\r\n\r\nHallo\r\n");
        var envelope = Envelope([Recipient(recipient, orcpt: "utf-8;" + recipient)], sender: sender, bodyType: BodyType.EightBitMime, smtpUtf8: true);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), original, Now);

        Assert.True(dsn.Envelope.SmtpUtf8);
        Assert.Equal(BodyType.EightBitMime, dsn.Envelope.BodyType);
        Assert.Equal(sender, Assert.Single(dsn.Envelope.Recipients).Address);
        var parsed = Parse(dsn);
        Assert.Equal(sender, Assert.IsType<MailboxAddress>(Assert.Single(parsed.Message.To)).Address);
        Assert.True(dsn.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\r\nTo: <" + sender + ">\r\n")) >= 0, "To: is raw UTF-8");
        Assert.Equal("message/global-delivery-status", parsed.Status.ContentType.MimeType);
        Assert.Equal("utf-8; " + recipient, parsed.Recipient(0)["Final-Recipient"]);
        Assert.Equal("utf-8; " + recipient, parsed.Recipient(0)["Original-Recipient"]);
        Assert.Equal("8bit", parsed.Status.Headers[HeaderId.ContentTransferEncoding]);
        var returned = Assert.IsType<MessagePart>(parsed.Report[2]);
        Assert.Equal("message/global", returned.ContentType.MimeType);
        AssertCarriedVerbatim(original, dsn);
    }

    [Fact]
    public void An_SMTPUTF8_original_returned_as_headers_uses_message_global_headers()
    {
        var envelope = Envelope([Recipient()], ret: DsnReturn.Headers, smtpUtf8: true);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(subject: "Grüße"), Now);

        var returned = Parse(dsn).Report[2];
        Assert.Equal("message/global-headers", returned.ContentType.MimeType);
        Assert.Equal("8bit", returned.Headers[HeaderId.ContentTransferEncoding]);
        Assert.Equal("Grüße", Assert.IsType<TextRfc822Headers>(returned).Message!.Subject);
    }

    [Fact]
    public void A_BINARYMIME_original_comes_back_as_headers_even_with_RET_FULL()
    {
        var envelope = Envelope([Recipient()], ret: DsnReturn.Full, bodyType: BodyType.BinaryMime);
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(body: "\0\x01binary\r\n"), Now);

        Assert.Equal(ReturnedContent.Headers, dsn.Returned);
        Assert.Equal(BodyType.SevenBit, dsn.Envelope.BodyType);
    }

    [Fact]
    public void Line_breaks_in_remote_text_cannot_inject_fields()
    {
        var hostile = new RemoteReply(550, "5.7.1", "rejected\r\nAction: delivered\r\n\r\nFinal-Recipient: rfc822; evil@example\r\nX: \u0007bell");
        var envelope = Envelope([Recipient()], envelopeId: "ID\r\nX-Evil: 1");
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, hostile, "mx.dest.example\r\nX-Evil: 2"), Original(), Now);

        var parsed = Parse(dsn);
        Assert.Equal(2, parsed.Status.StatusGroups.Count);
        Assert.False(parsed.PerMessage.Contains("X-Evil"));
        var fields = parsed.Recipient(0);
        Assert.Equal(["Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date"], fields.Select(h => h.Field));
        Assert.Equal("failed", fields["Action"]);
        Assert.Equal("smtp; 550 5.7.1 rejected Action: delivered Final-Recipient: rfc822; evil@example X: bell", Collapse(fields["Diagnostic-Code"]));
    }

    [Fact]
    public void Non_ASCII_remote_text_in_a_plain_DSN_becomes_question_marks()
    {
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, new RemoteReply(550, "5.1.1", "unbekannter Empfänger")), Original(), Now);

        Assert.Equal("smtp; 550 5.1.1 unbekannter Empf?nger", Parse(dsn).Recipient(0)["Diagnostic-Code"]);
        Assert.Equal(BodyType.SevenBit, dsn.Envelope.BodyType);
    }

    [Fact]
    public void Long_diagnostics_are_folded_and_read_back_whole()
    {
        var text = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"word{i}"));
        var dsn = Builder().Build(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, new RemoteReply(550, "5.7.1", text)), Original(), Now);

        Assert.Equal("smtp; 550 5.7.1 " + text, Collapse(Parse(dsn).Recipient(0)["Diagnostic-Code"]));
        var report = Encoding.ASCII.GetString(dsn.Body);
        var reportOnly = report[..report.IndexOf("Content-Type: message/rfc822", StringComparison.Ordinal)];
        Assert.All(reportOnly.Split("\r\n"), line => Assert.True(line.Length <= 78, $"line of {line.Length} characters: {line}"));
    }

    [Fact]
    public void A_sender_MimeKit_cannot_parse_still_gets_the_DSN_addressed_to_it()
    {
        var envelope = Envelope([Recipient()], sender: "first..last@origin.example");
        var dsn = Builder().Build(Request(DsnKind.Failure, envelope, RecipientStatus.Failed, NoSuchUser), Original(), Now);

        Assert.Contains("\r\nTo: <first..last@origin.example>\r\n", Encoding.ASCII.GetString(dsn.Body));
        Assert.Equal("first..last@origin.example", Assert.Single(dsn.Envelope.Recipients).Address);
    }

    private static DateTimeOffset Date(string? value)
    {
        Assert.NotNull(value);
        Assert.True(DateUtils.TryParse(value, out var date), $"not a date: {value}");
        return date;
    }

    private static string Collapse(string? value) => string.Join(' ', (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The returned part holds the original byte for byte (MimeKit writes what it parsed unchanged).</summary>
    private static void AssertCarriedVerbatim(byte[] original, DsnMessage dsn) =>
        Assert.True(dsn.Body.AsSpan().IndexOf(original) > 0, "the original is not in the DSN byte for byte");
}
