using System.Text;
using ActorMta.Queue.Partition;
using MimeKit.Utils;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>The human-readable first part of a DSN: what happened, to which recipients, what the servers said.</summary>
internal static class DsnExplanation
{
    public static string Subject(DsnKind kind) => kind switch
    {
        DsnKind.Failure => "Undelivered Mail Returned to Sender",
        DsnKind.Delay => "Delayed Mail (still being retried)",
        _ => "Successful Mail Delivery Report",
    };

    public static string Write(DsnRequest request, string reportingMta, DateTimeOffset willRetryUntil, ReturnedContent returned, bool utf8)
    {
        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(reportingMta).Append(".\r\n\r\n");
        text.Append(request.Kind switch
        {
            DsnKind.Failure => "Your message could not be delivered to the recipients below.\r\nThe mail system has given up on them; it will not try again.\r\n",
            DsnKind.Delay => $"Your message has not been delivered to the recipients below yet.\r\nThe mail system keeps trying until {DateUtils.FormatDate(willRetryUntil)};\r\nyou do not need to send it again.\r\n",
            _ => "Your message was handed to the mail servers of the recipients below,\r\nas you asked. Those servers may not send any further notice.\r\n",
        });
        text.Append("\r\n");
        foreach (var recipient in request.Recipients)
            text.Append('<').Append(DsnText.Clean(recipient.Recipient.Address, utf8)).Append(">: ").Append(Reason(request.Kind, recipient, utf8)).Append("\r\n");
        text.Append("\r\n").Append(returned switch
        {
            ReturnedContent.FullMessage => "Your message is attached.",
            ReturnedContent.Headers => "The headers of your message are attached.",
            _ => "Your message is not attached: it is no longer stored or could not be read.",
        });
        text.Append("\r\nIts queue id here was ").Append(request.QueueId).Append(".\r\n");
        return text.ToString();
    }

    private static string Reason(DsnKind kind, DsnRecipient recipient, bool utf8)
    {
        var said = recipient.LastReply is null
            ? "no mail server answered"
            : recipient.RemoteHost is { Length: > 0 } host
                ? $"host {DsnText.Clean(host, utf8)} said: {DsnText.Clean(recipient.LastReply.ToString(), utf8)}"
                : DsnText.Clean(recipient.LastReply.ToString(), utf8);
        var attempts = recipient.Attempts == 1 ? "1 attempt" : $"{recipient.Attempts} attempts";
        return kind switch
        {
            DsnKind.Failure when recipient.Status == RecipientStatus.Expired => $"delivery time expired after {attempts}; last: {said}",
            DsnKind.Failure => recipient.LastReply is null ? "delivery failed" : said,
            DsnKind.Delay => $"not delivered yet after {attempts}; last: {said}",
            _ => recipient.LastReply is null ? "relayed" : $"relayed: {said}",
        };
    }
}
