using System.Text;
using ActorMta.Queue;
using ActorMta.Smtp;
using MimeKit;
using MimeKit.Utils;
using ActorMta.Contracts;

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
    public DsnMessage Build(DsnRequest request, byte[]? original, DateTimeOffset now)
    {
        var utf8 = request.Envelope.SmtpUtf8;
        var willRetryUntil = request.AcceptedAt + maxLifetime;
        // Nothing comes back when the body is gone or cannot be parsed.
        var chosen = original is null ? ReturnedContent.Nothing : ReturnedOriginal.Choose(request, original.Length, settings);
        var originalPart = original is null ? null : ReturnedOriginal.Create(original, chosen, utf8, settings.ReturnHeadersMaxSize);
        var returned = originalPart is null ? ReturnedContent.Nothing : chosen;

        var explanation = new TextPart("plain") { Text = DsnExplanation.Write(request, settings.ReportingMta, willRetryUntil, returned, utf8) };
        explanation.Prepare(EncodingConstraint.SevenBit);
        var status = DeliveryStatusFields.Create(request, settings.ReportingMta, willRetryUntil, utf8);
        var report = new MultipartReport("delivery-status") { explanation, status };
        if (originalPart is not null) report.Add(originalPart);
        if (report.Any(part => part.Headers[HeaderId.ContentTransferEncoding] == "8bit"))
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

        var bytes = Write(message);
        var envelope = new SmtpEnvelope(
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

    /// <summary>
    /// To: the original sender, written as given (MimeKit would rewrite a UTF-8 address, and
    /// refuses some that SMTP accepts, e.g. "first..last@example.com").
    /// </summary>
    private static void AddRecipient(MimeMessage message, string reversePath, bool utf8)
    {
        var to = new Header(HeaderId.To, "");
        to.SetRawValue(Encoding.UTF8.GetBytes(DsnText.FoldedValue("To", $"<{DsnText.Clean(reversePath, utf8)}>")));
        message.Headers.Add(to);
    }

    private static byte[] Write(MimeMessage message)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        // Not International: MimeKit would then rewrite the returned message's address headers.
        // UTF-8 reaches the wire anyway where it is raw (To:, the status part, the original).
        using var stream = new MemoryStream();
        message.WriteTo(format, stream);
        return stream.ToArray();
    }
}
