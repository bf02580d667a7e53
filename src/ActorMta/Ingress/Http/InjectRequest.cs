using System.Text.Json;

namespace ActorMta.Ingress.Http;

/// <summary>
/// POST /api/inject/v1's body, in KumoMTA's shape (snake_case). Fields KumoMTA has that this node does
/// not (deferred_generation, deferred_spool, trace_headers, metadata) are ignored: every request is
/// generated and spooled at once, and always gets a Received header.
/// </summary>
/// <param name="Content">A whole RFC 5322 message (a JSON string) or a <see cref="BuiltContent"/> object.</param>
/// <param name="TemplateDialect">"Static": no substitution; absent or anything else: <see cref="SubstitutionTemplate"/>.</param>
public sealed record InjectRequest(
    string? EnvelopeSender,
    JsonElement Content,
    IReadOnlyList<InjectRecipient>? Recipients,
    IReadOnlyDictionary<string, JsonElement>? Substitutions,
    string? TemplateDialect = null)
{
    public bool IsStatic => string.Equals(TemplateDialect, "Static", StringComparison.OrdinalIgnoreCase);
}

public sealed record InjectRecipient(string? Email, string? Name = null, IReadOnlyDictionary<string, JsonElement>? Substitutions = null);

/// <summary>The message as parts for MimeKit to assemble: KumoMTA's Content object.</summary>
public sealed record BuiltContent(
    InjectAddress? From,
    InjectAddress? ReplyTo,
    string? Subject,
    string? TextBody,
    string? HtmlBody,
    string? AmpHtmlBody,
    IReadOnlyDictionary<string, string>? Headers,
    IReadOnlyList<InjectAttachment>? Attachments);

public sealed record InjectAddress(string? Email, string? Name = null);

/// <param name="Data">The attachment's octets: base64 when <paramref name="Base64"/>, else text sent as UTF-8.</param>
/// <param name="ContentId">Set: an inline part (Content-ID, for cid: references in the HTML).</param>
public sealed record InjectAttachment(string? Data, bool Base64, string? ContentType, string? FileName, string? ContentId = null);

/// <summary>The answer, in KumoMTA's shape plus the queue ids of what was queued.</summary>
public sealed record InjectResponse(int SuccessCount, int FailCount, IReadOnlyList<string> FailedRecipients, IReadOnlyList<string> Errors, IReadOnlyList<string> QueueIds);

/// <summary>POST /api/inject/v1/batch: several injection requests in one round trip.</summary>
public sealed record InjectBatchRequest(IReadOnlyList<JsonElement>? Messages);
