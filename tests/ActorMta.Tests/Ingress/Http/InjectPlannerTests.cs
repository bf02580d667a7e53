using System.Text;
using System.Text.Json;
using ActorMta.Ingress.Http;
using ActorMta.Ingress.Policy;
using ActorMta.Management.Admin;
using MimeKit;

namespace ActorMta.Tests.Ingress.Http;

public sealed class InjectPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static InjectRules Rules(int maxRecipients = 100, int perMessage = 100, long maxSize = 1024 * 1024) => new(
        "mta.test", maxRecipients, perMessage, maxSize, 30,
        new RelayPolicy(TrustedNetworks.Parse([], "t"), AcceptedDomains.Parse([], "a")), RecipientValidation.None);

    private static InjectRequest Request(string json) => JsonSerializer.Deserialize<InjectRequest>(json, AdminJson.Options)!;

    private static (IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<FailedRecipient> Failed, InjectRefusal? Refusal) Plan(string json, InjectRules? rules = null) =>
        InjectPlanner.Plan(Request(json), rules ?? Rules(), Now);

    [Fact]
    public void Raw_content_without_placeholders_is_one_message_for_all_recipients_kept_octet_for_octet()
    {
        var (messages, failed, refusal) = Plan("""
            {"envelope_sender": "bounce@sender.test", "content": "Subject: hi\r\n\r\nSame for all.\r\n",
             "recipients": [{"email": "a@x.test"}, {"email": "b@y.test", "name": "Bee"}]}
            """);

        Assert.Null(refusal);
        Assert.Empty(failed);
        var message = Assert.Single(messages);
        Assert.Equal("bounce@sender.test", message.ReversePath);
        Assert.Equal(["a@x.test", "b@y.test"], message.Recipients);
        Assert.Equal("Subject: hi\r\n\r\nSame for all.\r\n", Encoding.UTF8.GetString(message.Content));
        Assert.Equal(ActorMta.Smtp.BodyType.SevenBit, message.BodyType);
    }

    [Fact]
    public void Bare_line_feeds_become_crlf()
    {
        var message = Assert.Single(Plan("""{"envelope_sender": "s@s.test", "content": "Subject: hello\n\nHello there\r\nbye\r", "recipients": [{"email": "a@x.test"}]}""").Messages);

        Assert.Equal("Subject: hello\r\n\r\nHello there\r\nbye\r\n", Encoding.UTF8.GetString(message.Content));
    }

    [Fact]
    public void Substitutions_make_one_message_per_recipient_the_recipients_own_over_the_global_ones()
    {
        var (messages, failed, _) = Plan("""
            {"envelope_sender": "s@s.test",
             "content": "To: \"{{ name }}\" <{{ email }}>\r\nSubject: {{ campaign }}\r\n\r\n{{ greeting }} {{ name }}, you are {{ age }}.\r\n",
             "substitutions": {"campaign": "Fall", "greeting": "Hello"},
             "recipients": [{"email": "a@x.test", "name": "Ann", "substitutions": {"age": 42}},
                            {"email": "b@x.test", "name": "Bob", "substitutions": {"age": 7, "greeting": "Hi"}}]}
            """);

        Assert.Empty(failed);
        Assert.Equal(2, messages.Count);
        Assert.Equal("To: \"Ann\" <a@x.test>\r\nSubject: Fall\r\n\r\nHello Ann, you are 42.\r\n", Encoding.UTF8.GetString(messages[0].Content));
        Assert.Equal("To: \"Bob\" <b@x.test>\r\nSubject: Fall\r\n\r\nHi Bob, you are 7.\r\n", Encoding.UTF8.GetString(messages[1].Content));
        Assert.Equal(["b@x.test"], messages[1].Recipients);
    }

    [Fact]
    public void A_bad_address_or_an_unknown_variable_fails_that_recipient_alone()
    {
        var (messages, failed, refusal) = Plan("""
            {"envelope_sender": "s@s.test", "content": "Subject: x\r\n\r\nDear {{ name }}\r\n",
             "recipients": [{"email": "good@x.test", "name": "G"}, {"email": "not an address"}, {"email": "nameless@x.test"}]}
            """);

        Assert.Null(refusal);
        Assert.Equal(["good@x.test"], Assert.Single(messages).Recipients);
        Assert.Equal(["not an address", "nameless@x.test"], failed.Select(f => f.Recipient));
        Assert.Contains("not a valid address", failed[0].Error);
        Assert.Contains("{{ name }}", failed[1].Error);
    }

    [Fact]
    public void Static_dialect_leaves_placeholders_alone()
    {
        var message = Assert.Single(Plan("""{"envelope_sender": "s@s.test", "template_dialect": "Static", "content": "Subject: {{ x }}\r\n\r\n.\r\n", "recipients": [{"email": "a@x.test"}]}""").Messages);

        Assert.StartsWith("Subject: {{ x }}", Encoding.UTF8.GetString(message.Content));
    }

    [Theory]
    [InlineData("""{"content": "x", "recipients": [{"email": "a@x.test"}]}""", 422, "envelope_sender is required")]
    [InlineData("""{"envelope_sender": "not-an-address", "content": "x", "recipients": [{"email": "a@x.test"}]}""", 422, "'not-an-address' is not a valid address")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": "x", "recipients": []}""", 422, "recipients is required")]
    [InlineData("""{"envelope_sender": "s@s.test", "recipients": [{"email": "a@x.test"}]}""", 422, "content is required")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": 5, "recipients": [{"email": "a@x.test"}]}""", 400, "content must be a string")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": {"subject": 5}, "recipients": [{"email": "a@x.test"}]}""", 400, "content is not the object expected")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": {"from": {"email": "nope"}}, "recipients": [{"email": "a@x.test"}]}""", 422, "from: 'nope' is not an email address")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": {"attachments": [{"data": "%%%", "base64": true}]}, "recipients": [{"email": "a@x.test"}]}""", 422, "attachments[0]: data is not valid base64")]
    [InlineData("""{"envelope_sender": "s@s.test", "content": {"headers": {"Bad Name": "v"}}, "recipients": [{"email": "a@x.test"}]}""", 422, "'Bad Name' is not a valid header name")]
    public void A_request_that_cannot_be_taken_is_refused_with_the_reason(string json, int status, string reason)
    {
        var refusal = Plan(json).Refusal;

        Assert.NotNull(refusal);
        Assert.Equal(status, refusal.Status);
        Assert.Contains(reason, refusal.Reason);
    }

    [Fact]
    public void Wrong_types_at_the_top_level_do_not_deserialize()
    {
        Assert.ThrowsAny<JsonException>(() => Request("""{"envelope_sender": "s@s.test", "content": "x", "recipients": "a@x.test"}"""));
        Assert.ThrowsAny<JsonException>(() => Request("""{"envelope_sender": ["s@s.test"]}"""));
    }

    [Fact]
    public void Too_many_recipients_are_refused_and_many_are_split_over_messages_at_the_smtp_limit()
    {
        const string json = """{"envelope_sender": "s@s.test", "content": "x\r\n", "recipients": [{"email": "a@x.test"}, {"email": "b@x.test"}, {"email": "c@x.test"}]}""";

        Assert.Contains("at most 2 per request", Plan(json, Rules(maxRecipients: 2)).Refusal!.Reason);
        Assert.Equal([2, 1], Plan(json, Rules(perMessage: 2)).Messages.Select(m => m.Recipients.Count));
    }

    [Fact]
    public void An_oversize_message_fails_its_recipients_with_the_limit_named()
    {
        var (messages, failed, _) = Plan($$"""{"envelope_sender": "s@s.test", "content": "{{new string('x', 2000)}}", "recipients": [{"email": "a@x.test"}]}""", Rules(maxSize: 1024));

        Assert.Empty(messages);
        Assert.Contains("over the limit of 1024", Assert.Single(failed).Error);
    }

    [Fact]
    public void A_builder_request_is_assembled_with_mimekit_one_message_per_recipient_for_its_to_header()
    {
        var (messages, failed, refusal) = Plan("""
            {"envelope_sender": "bounce@sender.test",
             "content": {"from": {"email": "sales@sender.test", "name": "Sales"}, "reply_to": {"email": "help@sender.test"},
                         "subject": "Offer for {{ name }}", "text_body": "Dear {{ name }}: {{ code }}", "html_body": "<p>Dear {{ name }}</p><img src=\"cid:logo\">",
                         "headers": {"X-Tenant": "{{ tenant }}"},
                         "attachments": [{"data": "aGVsbG8=", "base64": true, "content_type": "text/plain", "file_name": "hello.txt"},
                                         {"data": "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64": true, "content_type": "image/gif", "file_name": "logo.gif", "content_id": "logo"}]},
             "substitutions": {"tenant": "acme", "code": "X1"},
             "recipients": [{"email": "ann@x.test", "name": "Ann Ünal"}, {"email": "bob@x.test", "name": "Bob"}]}
            """);

        Assert.Null(refusal);
        Assert.Empty(failed);
        Assert.Equal(2, messages.Count);
        Assert.Equal(ActorMta.Smtp.BodyType.SevenBit, messages[0].BodyType);
        var mime = MimeMessage.Load(new MemoryStream(messages[0].Content));
        Assert.Equal("Offer for Ann Ünal", mime.Subject);
        Assert.Equal("\"Sales\" <sales@sender.test>", mime.From.ToString());
        Assert.Equal("help@sender.test", mime.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("ann@x.test", mime.To.Mailboxes.Single().Address);
        Assert.Equal("acme", mime.Headers["X-Tenant"]);
        Assert.Equal("Dear Ann Ünal: X1", mime.TextBody);
        Assert.Contains("<p>Dear Ann Ünal</p>", mime.HtmlBody);
        var attachment = Assert.Single(mime.Attachments.OfType<MimePart>());
        Assert.Equal("hello.txt", attachment.FileName);
        Assert.Equal("logo", mime.BodyParts.OfType<MimePart>().Single(p => p.ContentId is not null).ContentId);
        Assert.Equal("bob@x.test", MimeMessage.Load(new MemoryStream(messages[1].Content)).To.Mailboxes.Single().Address);
    }

    [Fact]
    public void A_builder_request_with_its_own_to_header_is_one_message_for_all()
    {
        var (messages, _, _) = Plan("""
            {"envelope_sender": "s@s.test", "content": {"subject": "News", "text_body": "Hi", "amp_html_body": "<html amp4email></html>", "html_body": "<p>Hi</p>", "headers": {"To": "list@news.test"}},
             "recipients": [{"email": "a@x.test"}, {"email": "b@x.test"}]}
            """);

        var message = Assert.Single(messages);
        var mime = MimeMessage.Load(new MemoryStream(message.Content));
        Assert.Equal("list@news.test", mime.To.ToString());
        Assert.Equal(["text/plain", "text/x-amp-html", "text/html"], Assert.IsAssignableFrom<Multipart>(mime.Body).Select(p => p.ContentType.MimeType));
    }

    [Fact]
    public void Generated_mail_is_bounded_per_request_and_a_batch_shares_the_bound()
    {
        var json = """{"envelope_sender": "s@s.test", "content": "Subject: {{ email }}\r\n\r\n""" + new string('x', 400)
            + """\r\n", "recipients": [{"email": "a@x.test"}, {"email": "b@x.test"}, {"email": "c@x.test"}]}""";
        var bounded = Rules() with { MaxGeneratedSize = 1024 };

        var refusal = Plan(json, bounded).Refusal;
        Assert.Equal(422, refusal!.Status);
        Assert.Contains("more than 1024 octets of mail (actormta.inject.max-generated-size)", refusal.Reason);

        var shared = new GenerationBudget(1024);
        var twoRecipients = json.Replace(", {\"email\": \"c@x.test\"}", "");
        Assert.Null(InjectPlanner.Plan(Request(twoRecipients), bounded, Now, shared).Refusal);
        Assert.NotNull(InjectPlanner.Plan(Request(twoRecipients), bounded, Now, shared).Refusal);
    }
}
