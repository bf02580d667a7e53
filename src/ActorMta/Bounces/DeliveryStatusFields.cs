using System.Text;
using ActorMta.Queue.Partition;
using MimeKit;
using MimeKit.Utils;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>
/// The machine-readable part of a DSN (RFC 3464 2.2, 2.3): per-message fields, then one group
/// per recipient. With <c>utf8</c> it is message/global-delivery-status (RFC 6533): UTF-8
/// addresses as "utf-8;" and raw UTF-8 text, labelled 8bit.
///
/// Written here rather than with MimeKit's MessageDeliveryStatus, which ends the last group with
/// an extra blank line (read back, that is an empty recipient group) and RFC 2047-encodes
/// non-ASCII values. MimeKit still parses the result as a MessageDeliveryStatus.
/// </summary>
internal static class DeliveryStatusFields
{
    public static MimePart Create(DsnRequest request, string reportingMta, DateTimeOffset willRetryUntil, bool utf8)
    {
        var groups = new List<string> { PerMessage(request, reportingMta, utf8) };
        groups.AddRange(request.Recipients.Select(recipient => PerRecipient(request.Kind, recipient, willRetryUntil, utf8)));
        var text = string.Join("\r\n", groups);
        var encoding = Ascii.IsValid(text) ? ContentEncoding.SevenBit : ContentEncoding.EightBit;
        return new MimePart("message", utf8 ? "global-delivery-status" : "delivery-status")
        {
            Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false), encoding),
            ContentTransferEncoding = encoding,
        };
    }

    private static string PerMessage(DsnRequest request, string reportingMta, bool utf8)
    {
        var fields = new StringBuilder();
        Add(fields, "Reporting-MTA", $"dns; {reportingMta}");
        // Postfix writes X-Postfix-Queue-ID here: the operator's handle on the original.
        Add(fields, "X-ActorMta-Queue-ID", request.QueueId);
        if (request.Envelope.EnvelopeId is { Length: > 0 } envelopeId)
            Add(fields, "Original-Envelope-Id", DsnText.Clean(envelopeId, utf8));
        Add(fields, "Arrival-Date", DateUtils.FormatDate(request.AcceptedAt));
        return fields.ToString();
    }

    private static string PerRecipient(DsnKind kind, DsnRecipient recipient, DateTimeOffset willRetryUntil, bool utf8)
    {
        var fields = new StringBuilder();
        if (recipient.Recipient.OriginalRecipient is { Length: > 0 } original)
            Add(fields, "Original-Recipient", DsnText.TypedAddress(original, utf8));
        Add(fields, "Final-Recipient", DsnText.FinalRecipient(recipient.Recipient.Address, utf8));
        Add(fields, "Action", DsnOutcome.Action(kind));
        Add(fields, "Status", DsnOutcome.Status(kind, recipient));
        if (recipient.RemoteHost is { Length: > 0 } host)
            Add(fields, "Remote-MTA", $"dns; {DsnText.Clean(host, utf8)}");
        if (recipient.LastReply is { } reply)
            Add(fields, "Diagnostic-Code", $"smtp; {DsnText.Clean(reply.ToString(), utf8)}");
        // At is the deciding attempt only for failed and relayed recipients (for expiry and delay it is "now").
        if (recipient.Status is RecipientStatus.Failed or RecipientStatus.Delivered && recipient.Attempts > 0)
            Add(fields, "Last-Attempt-Date", DateUtils.FormatDate(recipient.At));
        if (kind == DsnKind.Delay)
            Add(fields, "Will-Retry-Until", DateUtils.FormatDate(willRetryUntil));
        return fields.ToString();
    }

    private static void Add(StringBuilder fields, string name, string value) =>
        fields.Append(name).Append(':').Append(DsnText.FoldedValue(name, value));
}
