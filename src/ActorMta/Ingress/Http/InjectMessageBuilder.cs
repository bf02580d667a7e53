using System.Text.Json;
using MimeKit;
using MimeKit.Utils;

namespace ActorMta.Ingress.Http;

/// <summary>
/// Assembles KumoMTA's Content object into a MIME message with MimeKit: text, AMP and HTML bodies as
/// multipart/alternative (AMP before HTML, as mail clients expect), inline attachments (content_id)
/// in multipart/related with the bodies, the others in multipart/mixed. 8-bit text is made
/// quoted-printable, so the result is 7-bit and relays anywhere.
/// </summary>
public static class InjectMessageBuilder
{
    /// <summary>A Content object the node cannot build (a bad address, header name, content type or base64).</summary>
    public sealed class Unbuildable(string reason) : Exception(reason);

    /// <summary>The fields substitution applies to, rendered for one recipient.</summary>
    /// <param name="To">The To header to generate; null when the request's headers have their own.</param>
    public sealed record Rendered(string? FromName, string? Subject, string? TextBody, string? HtmlBody, string? AmpHtmlBody,
        IReadOnlyList<KeyValuePair<string, string>> Headers, InjectAddress? To)
    {
        /// <summary>Recipients whose rendered fields are equal share one message.</summary>
        public string ToKey() => JsonSerializer.Serialize(this);
    }

    public static BuiltContent Parse(JsonElement content) =>
        content.Deserialize<BuiltContent>(Management.Admin.AdminJson.Options) ?? throw new JsonException("content is null");

    /// <summary>Renders the templated fields (subject, bodies, header values, the From name) for one recipient.</summary>
    public static Rendered Render(BuiltContent content, InjectRecipient recipient, Func<string, string> render)
    {
        var headers = (content.Headers ?? new Dictionary<string, string>()).Select(h => KeyValuePair.Create(h.Key, render(h.Value ?? ""))).ToArray();
        var hasTo = headers.Any(h => string.Equals(h.Key, "To", StringComparison.OrdinalIgnoreCase));
        return new Rendered(content.From?.Name is { } name ? render(name) : null, Map(content.Subject), Map(content.TextBody), Map(content.HtmlBody),
            Map(content.AmpHtmlBody), headers, hasTo ? null : new InjectAddress(recipient.Email, recipient.Name));

        string? Map(string? text) => text is null ? null : render(text);
    }

    /// <summary>The message's octets, CRLF line endings.</summary>
    /// <exception cref="Unbuildable">Something in <paramref name="content"/> cannot be made into a message.</exception>
    public static byte[] Build(BuiltContent content, Rendered rendered, string envelopeSender, string hostname, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(Address(content.From?.Email ?? envelopeSender, rendered.FromName, "from"));
        if (content.ReplyTo is { } replyTo) message.ReplyTo.Add(Address(replyTo.Email, replyTo.Name, "reply_to"));
        if (rendered.To is { } to) message.To.Add(Address(to.Email, to.Name, "recipient"));
        if (rendered.Subject is not null) message.Subject = rendered.Subject;
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(hostname);
        foreach (var (name, value) in rendered.Headers)
        {
            try
            {
                // Replaces a header set above (To, Subject, Date, Message-ID...) rather than doubling it.
                message.Headers[name] = value;
            }
            catch (ArgumentException)
            {
                throw new Unbuildable($"headers: '{name}' is not a valid header name");
            }
        }
        message.Body = Body(content, rendered);
        message.Prepare(EncodingConstraint.SevenBit);
        using var output = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);
        return output.ToArray();
    }

    private static MimeEntity Body(BuiltContent content, Rendered rendered)
    {
        var alternatives = new List<MimeEntity>();
        if (rendered.TextBody is not null) alternatives.Add(new TextPart("plain") { Text = rendered.TextBody });
        if (rendered.AmpHtmlBody is not null) alternatives.Add(new TextPart("x-amp-html") { Text = rendered.AmpHtmlBody });
        if (rendered.HtmlBody is not null) alternatives.Add(new TextPart("html") { Text = rendered.HtmlBody });
        if (alternatives.Count == 0) alternatives.Add(new TextPart("plain") { Text = "" });
        MimeEntity body = alternatives.Count == 1 ? alternatives[0] : Multipart("alternative", alternatives);

        var attachments = (content.Attachments ?? []).Select(Attachment).ToArray();
        var inline = attachments.Where(a => a.ContentId is not null).ToArray();
        if (inline.Length > 0) body = Multipart("related", [body, .. inline]);
        var attached = attachments.Where(a => a.ContentId is null).ToArray();
        return attached.Length > 0 ? Multipart("mixed", [body, .. attached]) : body;
    }

    private static Multipart Multipart(string subtype, IEnumerable<MimeEntity> parts)
    {
        var multipart = new Multipart(subtype);
        foreach (var part in parts) multipart.Add(part);
        return multipart;
    }

    private static MimePart Attachment(InjectAttachment attachment, int index)
    {
        var where = $"attachments[{index}]";
        if (attachment.Data is null) throw new Unbuildable($"{where}: data is missing");
        if (!ContentType.TryParse(attachment.ContentType ?? "application/octet-stream", out var type))
            throw new Unbuildable($"{where}: content_type '{attachment.ContentType}' is not a MIME type");
        byte[] data;
        try
        {
            data = attachment.Base64 ? Convert.FromBase64String(attachment.Data) : System.Text.Encoding.UTF8.GetBytes(attachment.Data);
        }
        catch (FormatException)
        {
            throw new Unbuildable($"{where}: data is not valid base64");
        }
        var inline = attachment.ContentId is not null;
        return new MimePart(type)
        {
            Content = new MimeContent(new MemoryStream(data)),
            ContentDisposition = new ContentDisposition(inline ? ContentDisposition.Inline : ContentDisposition.Attachment) { FileName = attachment.FileName },
            ContentTransferEncoding = ContentEncoding.Base64,
            ContentId = attachment.ContentId,
        };
    }

    private static MailboxAddress Address(string? email, string? name, string field)
    {
        if (email is null || !Smtp.Mailbox.TryParse(email, allowUtf8: true, out _))
            throw new Unbuildable($"{field}: '{email}' is not an email address");
        return new MailboxAddress(name, email);
    }
}
