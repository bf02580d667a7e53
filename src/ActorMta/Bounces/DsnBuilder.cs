using System.Text;
using ActorMta.Queue;
using ActorMta.Smtp;
using MimeKit;
using MimeKit.Utils;

namespace ActorMta.Bounces;

/// <summary>
/// Builds a DSN (RFC 3464) for a <see cref="DsnRequest"/>: multipart/report with a text
/// explanation, the delivery-status fields and the original (see <see cref="ReturnedOriginal"/>),
/// plus the envelope it is queued with. Pure: no actors, no I/O.
///
/// An SMTPUTF8 original gets an SMTPUTF8 DSN with the RFC 6533 types (message/global...); the
/// DSN's BODY is 8BITMIME exactly when its bytes are not all ASCII.
/// </summary>
/// <param name="maxLifetime">The queue's message lifetime: a delay DSN's Will-Retry-Until is arrival plus this.</param>
public sealed class DsnBuilder(BounceSettings settings, TimeSpan maxLifetime)
{
    /// <summary>Who DSNs come from in the queue API and the history ("client local, helo ...").</summary>
    public const string ClientAddress = "local";
    public const string ListenerName = "bounces";

    /// <param name="original">The stored body of the original message; null when it is no longer stored.</param>
    public DsnMessage Build(DsnRequest request, ReadOnlyMemory<byte>? original, DateTimeOffset now)
    {
        var utf8 = request.Envelope.SmtpUtf8;
        var willRetryUntil = request.AcceptedAt + maxLifetime;
        var returned = original is { } body ? ReturnedOriginal.Choose(request, body.Length, settings) : ReturnedContent.Nothing;
        var originalPart = original is { } stored && returned != ReturnedContent.Nothing ? ReturnedOriginal.Create(stored, returned, utf8) : null;
        if (originalPart is null) returned = ReturnedContent.Nothing;

        var explanation = new TextPart("plain") { Text = DsnExplanation.Write(request, settings.ReportingMta, willRetryUntil, returned, utf8) };
        explanation.Prepare(EncodingConstraint.SevenBit);
        var status = DeliveryStatusFields.Create(request, settings.ReportingMta, willRetryUntil, utf8);
        var report = new MultipartReport("delivery-status") { explanation, status };
        if (originalPart is not null) report.Add(originalPart);
        if (status.StatusGroups.SelectMany(fields => fields).Any(field => !Ascii.IsValid(field.RawValue))) status.Headers.Add(HeaderId.ContentTransferEncoding, "8bit");
        if (report.Any(part => part.Headers.Contains(HeaderId.ContentTransferEncoding) && part.Headers[HeaderId.ContentTransferEncoding] == "8bit"))
            report.Headers.Add(HeaderId.ContentTransferEncoding, "8bit");

        var message = new MimeMessage
        {
            Subject = DsnExplanation.Subject(request.Kind),
            Date = now,
            MessageId = MimeUtils.GenerateMessageId(settings.ReportingMta),
            Body = report,
        };
        message.From.Add(settings.FromMailbox);
        AddRecipient(message, request.Envelope.ReversePath, utf8);
        // RFC 3834: an automatic response; well-behaved software does not answer it.
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var bytes = Write(message, utf8);
        var envelope = new Envelope(
            ReversePath: "",
            Recipients: [new EnvelopeRecipient(request.Envelope.ReversePath, DsnNotify.Never)],
            BodyType: bytes.AsSpan().ContainsAnyInRange((byte)0x80, (byte)0xff) ? BodyType.EightBitMime : BodyType.SevenBit,
            SmtpUtf8: utf8,
            Ret: DsnReturn.Unspecified,
            EnvelopeId: null,
            Client: new SubmittingClient(ClientAddress, settings.ReportingMta, ListenerName),
            ReceivedAt: now);
        return new DsnMessage(envelope, bytes, returned);
    }

    /// <summary>To: the original sender; an address MimeKit will not parse (e.g. "a..b@c") is written as given.</summary>
    private static void AddRecipient(MimeMessage message, string reversePath, bool utf8)
    {
        try
        {
            message.To.Add(new MailboxAddress("", reversePath));
        }
        catch (ParseException)
        {
            var to = new Header(HeaderId.To, "");
            to.SetRawValue(DsnText.RawHeaderValue("To", $"<{DsnText.Clean(reversePath, utf8)}>"));
            message.Headers.Add(to);
        }
    }

    private static byte[] Write(MimeMessage message, bool utf8)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = utf8;
        using var stream = new MemoryStream();
        message.WriteTo(format, stream);
        return stream.ToArray();
    }
}
