using ActorMta.Queue.Partition;
using MimeKit;
using MimeKit.Utils;

namespace ActorMta.Bounces;

/// <summary>
/// The machine-readable part of a DSN (RFC 3464 2.2, 2.3): per-message fields, then one group
/// per recipient. With <paramref name="utf8"/> it is message/global-delivery-status (RFC 6533):
/// UTF-8 addresses as "utf-8;" and raw UTF-8 text.
/// </summary>
internal static class DeliveryStatusFields
{
    public static MessageDeliveryStatus Create(DsnRequest request, string reportingMta, DateTimeOffset willRetryUntil, bool utf8)
    {
        var part = new MessageDeliveryStatus();
        if (utf8) part.ContentType.MediaSubtype = "global-delivery-status";
        part.StatusGroups.Add(PerMessage(request, reportingMta, utf8));
        foreach (var recipient in request.Recipients)
            part.StatusGroups.Add(PerRecipient(request.Kind, recipient, willRetryUntil, utf8));
        return part;
    }

    private static HeaderList PerMessage(DsnRequest request, string reportingMta, bool utf8)
    {
        var fields = new HeaderList();
        Add(fields, "Reporting-MTA", $"dns; {reportingMta}");
        // Postfix writes X-Postfix-Queue-ID here: the operator's handle on the original.
        Add(fields, "X-ActorMta-Queue-ID", request.QueueId);
        if (request.Envelope.EnvelopeId is { Length: > 0 } envelopeId)
            Add(fields, "Original-Envelope-Id", DsnText.Clean(envelopeId, utf8));
        Add(fields, "Arrival-Date", DateUtils.FormatDate(request.AcceptedAt));
        return fields;
    }

    private static HeaderList PerRecipient(DsnKind kind, DsnRecipient recipient, DateTimeOffset willRetryUntil, bool utf8)
    {
        var fields = new HeaderList();
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
        return fields;
    }

    private static void Add(HeaderList fields, string name, string value)
    {
        var field = new Header(name, "");
        field.SetRawValue(DsnText.RawHeaderValue(name, value));
        fields.Add(field);
    }
}
