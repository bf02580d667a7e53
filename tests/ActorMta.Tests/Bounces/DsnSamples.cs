using System.Text;
using ActorMta.Bounces;
using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using MimeKit;
using ActorMta.Contracts;

namespace ActorMta.Tests.Bounces;

/// <summary>Envelopes, requests and original messages the bounce tests share.</summary>
internal static class DsnSamples
{
    public const string Hostname = "mx.test.example";
    public const string Sender = "sender@origin.example";
    public static readonly DateTimeOffset AcceptedAt = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = AcceptedAt.AddHours(5);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(5);

    public static BounceSettings Settings(long returnFullMaxSize = 10_000, long returnUnspecifiedMaxSize = 1_000, int maxConcurrent = 4, int maxWaiting = 100, TimeSpan? timeout = null) => new(
        Hostname,
        new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + Hostname),
        returnFullMaxSize,
        returnUnspecifiedMaxSize,
        maxConcurrent,
        maxWaiting,
        timeout ?? TimeSpan.FromSeconds(10));

    public static DsnBuilder Builder(BounceSettings? settings = null) => new(settings ?? Settings(), MaxLifetime);

    public static SmtpEnvelope Envelope(
        IReadOnlyList<EnvelopeRecipient> recipients,
        string sender = Sender,
        DsnReturn ret = DsnReturn.Unspecified,
        string? envelopeId = null,
        BodyType bodyType = BodyType.SevenBit,
        bool smtpUtf8 = false) =>
        new(sender, recipients, bodyType, smtpUtf8, ret, envelopeId, new SubmittingClient("127.0.0.1", "client.example", "relay"), AcceptedAt.AddSeconds(-1));

    public static DsnRequest Request(DsnKind kind, SmtpEnvelope envelope, params DsnRecipient[] recipients) =>
        new(3, "Q0003ABCDEF", kind, envelope, 1234, AcceptedAt, recipients);

    /// <summary>A request about every recipient of the envelope, each in the given state.</summary>
    public static DsnRequest Request(DsnKind kind, SmtpEnvelope envelope, RecipientStatus status, RemoteReply? reply, string? host = "mx.dest.example", int attempts = 1) =>
        Request(kind, envelope, envelope.Recipients.Select((r, i) => new DsnRecipient(i, r, status, reply, host, attempts, Now.AddMinutes(-i))).ToArray());

    public static readonly RemoteReply NoSuchUser = new(550, "5.1.1", "<rcpt@dest.example>: no such user");
    public static readonly RemoteReply TryLater = new(451, "4.7.1", "greylisted, try again later");
    public static readonly RemoteReply Queued = new(250, "2.0.0", "Ok: queued as 4XyZ");

    public static EnvelopeRecipient Recipient(string address = "rcpt@dest.example", DsnNotify notify = DsnNotify.Unspecified, string? orcpt = null) =>
        new(address, notify, orcpt);

    /// <summary>An original as queued: the trace header the session added, then what the client sent.</summary>
    public static byte[] Original(string body = "Hello,\r\nthe report is attached.\r\n", string subject = "Quarterly report", string extraHeaders = "") =>
        Encoding.UTF8.GetBytes(
            "Received: from client.example ([127.0.0.1]) by mx.test.example with ESMTP id Q0003ABCDEF; Sat, 01 Mar 2025 07:59:59 +0000\r\n" +
            $"From: Sender <{Sender}>\r\nTo: <rcpt@dest.example>\r\nSubject: {subject}\r\nMessage-ID: <original-1@origin.example>\r\n" +
            extraHeaders + "\r\n" + body);

    /// <summary>The DSN as a reader gets it: parsed back from its bytes.</summary>
    public static ParsedDsn Parse(DsnMessage dsn)
    {
        var message = MimeMessage.Load(new MemoryStream(dsn.Body));
        var report = Assert.IsType<MultipartReport>(message.Body);
        return new ParsedDsn(message, report, Assert.IsType<MessageDeliveryStatus>(report[1]));
    }
}

internal sealed record ParsedDsn(MimeMessage Message, MultipartReport Report, MessageDeliveryStatus Status)
{
    public HeaderList PerMessage => Status.StatusGroups[0];

    public HeaderList Recipient(int n) => Status.StatusGroups[n + 1];

    public string Explanation => Assert.IsType<TextPart>(Report[0]).Text;
}
