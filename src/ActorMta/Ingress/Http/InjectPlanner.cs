using ActorMta.Contracts;
using System.Text;
using System.Text.Json;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Trace;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Http;

/// <summary>What the SMTP ingress enforces, for HTTP: the same limits and policy (the inject token is the authentication).</summary>
public sealed record InjectRules(
    string Hostname,
    int MaxRecipients,
    int MaxRecipientsPerMessage,
    long MaxMessageSize,
    int MaxReceivedHeaders,
    RelayPolicy Policy,
    RecipientValidation RecipientValidation)
{
    /// <summary>Octets one request (a whole batch) may generate: substitution multiplies the content by the recipients.</summary>
    public long MaxGeneratedSize { get; init; } = long.MaxValue;

    /// <summary>The pool header (honoured: the API's clients hold an inject token) and the pool names.</summary>
    public PoolChoice PoolChoice { get; init; } = PoolChoice.None;
}

/// <summary>What is left of <see cref="InjectRules.MaxGeneratedSize"/> for one request, shared by a batch's messages.</summary>
public sealed class GenerationBudget(long octets)
{
    public long Octets { get; } = octets;
    private long _left = octets;

    public bool Take(long octets) => (_left -= octets) >= 0;
}

/// <summary>One message to queue: its envelope and its content (without the Received header, which goes on at queueing).</summary>
/// <param name="Pool">The egress pool its pool header asked for; null: the domain's.</param>
/// <param name="Removed">Where the pool header fields lie in <paramref name="Content"/>: left out when it is queued.</param>
public sealed record PlannedMessage(string ReversePath, IReadOnlyList<string> Recipients, byte[] Content, string? Pool = null,
    IReadOnlyList<(long Start, long End)>? Removed = null)
{
    public bool SmtpUtf8 => !Ascii.IsValid(ReversePath) || Recipients.Any(r => !Ascii.IsValid(r));
    public BodyType BodyType => Content.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 ? BodyType.EightBitMime : BodyType.SevenBit;
}

/// <summary>A recipient not queued, and why.</summary>
public sealed record FailedRecipient(string Recipient, string Error);

/// <summary>The whole request refused: 400 (not the JSON expected) or 422 (well-formed, not acceptable).</summary>
public sealed record InjectRefusal(int Status, string Reason);

/// <summary>
/// Turns an injection request into the messages to queue, checking what an SMTP session checks: the
/// sender and each recipient's address, the relay policy of an authenticated client, recipient
/// validation, the size limit and the hop limit. A recipient that fails alone is listed and the
/// others go ahead, as in KumoMTA. Recipients whose rendered content is the same share one message
/// (up to the SMTP recipient limit per message); a template that differs per recipient (its name,
/// email or substitutions; a builder's generated To header) makes one message each. Pure: no I/O.
/// </summary>
public static class InjectPlanner
{
    public static (IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<FailedRecipient> Failed, InjectRefusal? Refusal) Plan(
        InjectRequest request, InjectRules rules, DateTimeOffset now, GenerationBudget? budget = null)
    {
        budget ??= new GenerationBudget(rules.MaxGeneratedSize);
        var overBudget = $"the request would generate more than {budget.Octets} octets of mail (actormta.inject.max-generated-size): " +
            "send fewer recipients per request, or content that is the same for all of them";
        if (string.IsNullOrEmpty(request.EnvelopeSender)) return Refuse(422, "envelope_sender is required (the MAIL FROM address)");
        if (!Mailbox.TryParse(request.EnvelopeSender, allowUtf8: true, out var sender))
            return Refuse(422, $"envelope_sender '{request.EnvelopeSender}' is not a valid address");
        var recipients = request.Recipients ?? [];
        if (recipients.Count == 0) return Refuse(422, "recipients is required: at least one {\"email\": ...}");
        if (recipients.Count > rules.MaxRecipients)
            return Refuse(422, $"{recipients.Count} recipients; at most {rules.MaxRecipients} per request (actormta.inject.max-recipients)");

        BuiltContent? built = null;
        string? raw = null;
        switch (request.Content.ValueKind)
        {
            case JsonValueKind.String:
                raw = request.Content.GetString()!;
                break;
            case JsonValueKind.Object:
                try
                {
                    built = InjectMessageBuilder.Parse(request.Content);
                }
                catch (JsonException e)
                {
                    return Refuse(400, $"content is not the object expected: {e.Message}");
                }
                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Refuse(422, "content is required: an RFC 5322 message (a string) or an object to build one from");
            default:
                return Refuse(400, "content must be a string (a whole message) or an object (parts to build one from)");
        }

        var reversePath = sender!.ToString();
        // Attachments are not templated, but every message of a builder request carries them.
        var attachmentsSize = built?.Attachments?.Sum(a => (long)(a.Data?.Length ?? 0)) ?? 0;
        var failed = new List<FailedRecipient>();
        // Rendered content -> its recipients, in request order.
        var groups = new Dictionary<string, (List<string> Recipients, Func<byte[]> Content)>(StringComparer.Ordinal);
        foreach (var recipient in recipients)
        {
            var email = recipient?.Email ?? "";
            if (recipient is null || !Mailbox.TryParse(email, allowUtf8: true, out var mailbox))
            {
                failed.Add(new FailedRecipient(email, $"recipient '{email}' is not a valid address"));
                continue;
            }
            if (rules.Policy.Check(new ForwardPath(mailbox), mayRelay: true) != RelayVerdict.Accept)
            {
                failed.Add(new FailedRecipient(email, $"recipient '{email}': relay denied"));
                continue;
            }
            if (rules.RecipientValidation.IsUnknown(mailbox!))
            {
                failed.Add(new FailedRecipient(email, $"recipient '{email}': no such user here"));
                continue;
            }
            var variables = Variables(request, recipient);
            string Render(string template) => request.IsStatic ? template : SubstitutionTemplate.Render(template, variables);
            try
            {
                if (raw is not null)
                {
                    var text = Render(raw);
                    if (!groups.TryGetValue(text, out var group))
                    {
                        if (!budget.Take(text.Length)) return Refuse(422, overBudget);
                        groups[text] = group = ([], () => Encoding.UTF8.GetBytes(WithCrLf(text)));
                    }
                    group.Recipients.Add(mailbox!.ToString());
                }
                else
                {
                    var rendered = InjectMessageBuilder.Render(built!, recipient, Render);
                    var key = rendered.ToKey();
                    if (!groups.TryGetValue(key, out var group))
                    {
                        if (!budget.Take(key.Length + attachmentsSize)) return Refuse(422, overBudget);
                        groups[key] = group = ([], () => InjectMessageBuilder.Build(built!, rendered, reversePath, rules.Hostname, now));
                    }
                    group.Recipients.Add(mailbox!.ToString());
                }
            }
            catch (SubstitutionTemplate.UnknownVariable e)
            {
                failed.Add(new FailedRecipient(email, $"recipient '{email}': {e.Message}"));
            }
        }

        var messages = new List<PlannedMessage>();
        foreach (var (recipientsOfGroup, build) in groups.Values)
        {
            byte[] content;
            try
            {
                content = build();
            }
            catch (InjectMessageBuilder.Unbuildable e)
            {
                return Refuse(422, $"content: {e.Message}");
            }
            var header = new HopCounter { FindField = rules.PoolChoice.HeaderField };
            header.Feed(content);
            header.Finish();
            string? pool = null, why = null;
            if (header.Values.Distinct().Count() > 1) why = $"more than one {rules.PoolChoice.HeaderField} field, naming different pools";
            else pool = rules.PoolChoice.Choose(header.Values.FirstOrDefault(), null, out why);
            var problem = content.Length > rules.MaxMessageSize
                ? $"the message is {content.Length} octets, over the limit of {rules.MaxMessageSize} (actormta.smtp.max-message-size)"
                : header.Count > rules.MaxReceivedHeaders
                    ? $"the message has too many Received headers (a mail loop; at most {rules.MaxReceivedHeaders})"
                    : why is not null ? $"554 5.6.0 {why}" : null;
            if (problem is not null)
            {
                failed.AddRange(recipientsOfGroup.Select(r => new FailedRecipient(r, $"recipient '{r}': {problem}")));
                continue;
            }
            foreach (var chunk in recipientsOfGroup.Chunk(rules.MaxRecipientsPerMessage))
                messages.Add(new PlannedMessage(reversePath, chunk, content, pool, header.Found.Count > 0 ? [.. header.Found] : null));
        }
        return (messages, failed, null);
    }

    /// <summary>Global substitutions, the recipient's own over them, then its email and name (KumoMTA's order).</summary>
    private static Dictionary<string, JsonElement> Variables(InjectRequest request, InjectRecipient recipient)
    {
        var variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Substitutions ?? new Dictionary<string, JsonElement>()) variables[name] = value;
        foreach (var (name, value) in recipient.Substitutions ?? new Dictionary<string, JsonElement>()) variables[name] = value;
        variables["email"] = JsonSerializer.SerializeToElement(recipient.Email);
        if (recipient.Name is not null) variables["name"] = JsonSerializer.SerializeToElement(recipient.Name);
        return variables;
    }

    /// <summary>Line endings as SMTP carries them: a bare LF or CR becomes CRLF; CRLF stays, so a CRLF message is kept octet for octet.</summary>
    public static string WithCrLf(string text)
    {
        if (!text.Contains('\n') && !text.Contains('\r')) return text;
        var output = new StringBuilder(text.Length + 64);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                output.Append("\r\n");
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else if (c == '\n') output.Append("\r\n");
            else output.Append(c);
        }
        return output.ToString();
    }

    private static (IReadOnlyList<PlannedMessage>, IReadOnlyList<FailedRecipient>, InjectRefusal?) Refuse(int status, string reason) =>
        ([], [], new InjectRefusal(status, reason));
}
