using System.Net;
using System.Text;
using System.Text.Json;
using ActorMta.Host.Cli;
using ActorMta.IntegrationTests.Cli;
using ActorMta.TestSupport;
using MimeKit;

namespace ActorMta.IntegrationTests.Ingress.Http;

/// <summary>POST /api/inject/v1 and /batch on a real node, delivering to a real sink over loopback.</summary>
public sealed class InjectApiTests(InjectNode fixture) : IClassFixture<InjectNode>
{
    private const string Inject = "/api/inject/v1";

    private static object Raw(string recipient, string content) => new
    {
        envelope_sender = "bounces@sender.test",
        content,
        recipients = new[] { new { email = recipient } },
    };

    [Fact]
    public async Task Only_an_inject_token_with_a_json_body_may_inject()
    {
        var request = Raw("nobody@example.test", "Subject: x\r\n\r\nx\r\n");

        var anonymous = await fixture.PostAsync(Inject, request, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Contains("inject scope", anonymous.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.PostAsync(Inject, request, token: TestTokens.Inject + "x")).Status);
        // The admin token is not an inject token (nor the other way round).
        var admin = await fixture.PostAsync(Inject, request, token: TestTokens.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, admin.Status);
        Assert.Contains("needs the inject scope", admin.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.PostAsync(Inject + "/batch", new { messages = new[] { request } }, token: TestTokens.Admin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.PostAsync("/api/admin/retry/v1", new { domain = "example.test" })).Status);
        // A cross-site form post, even if it somehow carried the token, is not JSON.
        var form = await fixture.PostAsync(Inject, "envelope_sender=a%40b.test&content=x", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.Status);
    }

    [Fact]
    public async Task Unparseable_or_mistyped_json_is_400_and_an_unacceptable_request_422_each_with_the_reason()
    {
        var broken = await fixture.PostAsync(Inject, "{\"envelope_sender\": ");
        Assert.Equal(HttpStatusCode.BadRequest, broken.Status);
        Assert.Contains("not the JSON expected", broken.Body.GetProperty("error").GetString());
        var mistyped = await fixture.PostAsync(Inject, new { envelope_sender = "a@b.test", content = "x", recipients = "c@example.test" });
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.Status);
        Assert.Contains("$.recipients", mistyped.Body.GetProperty("error").GetString());

        var badSender = await fixture.PostAsync(Inject, new { envelope_sender = "no-at-sign", content = "x", recipients = new[] { new { email = "c@example.test" } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badSender.Status);
        Assert.Contains("envelope_sender 'no-at-sign' is not a valid address", badSender.Body.GetProperty("error").GetString());

        var oversize = await fixture.PostAsync(Inject, Raw("big@example.test", "Subject: big\r\n\r\n" + new string('x', InjectNode.MaxMessageSize) + "\r\n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, oversize.Status);
        Assert.Contains($"over the limit of {InjectNode.MaxMessageSize}", oversize.Body.GetProperty("error").GetString());
        Assert.Equal("big@example.test", oversize.Body.GetProperty("failed_recipients")[0].GetString());
    }

    [Fact]
    public async Task A_raw_message_arrives_octet_for_octet_after_a_received_header_with_http()
    {
        // CRLF line ends, a leading dot (stuffed on the wire), 8-bit UTF-8 text, a long line, trailing blanks.
        var content = "From: App <app@sender.test>\r\nTo: raw@example.test\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <raw-1@sender.test>\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Grüße aus Köln.\r\n.leading dot\r\n" + new string('y', 900) + "  \r\n\r\n";
        var (status, body) = await fixture.PostAsync(Inject, Raw("raw@example.test", content));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("success_count").GetInt32());
        Assert.Equal(0, body.GetProperty("fail_count").GetInt32());
        var queueId = Assert.Single(body.GetProperty("queue_ids").EnumerateArray()).GetString();
        var received = await fixture.WaitForMessageToAsync("raw@example.test");
        Assert.Equal("bounces@sender.test", received.ReversePath);
        var (trace, rest) = InjectNode.SplitTraceHeader(received.Body);
        Assert.StartsWith("Received: from [127.0.0.1] ([127.0.0.1])", trace);
        Assert.Contains("with HTTP id ", trace);
        Assert.Contains("for <raw@example.test>", trace);
        Assert.Equal(Encoding.UTF8.GetBytes(content), rest);
        await fixture.Node.WaitForCompletionAsync(queueId!, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_built_message_arrives_with_its_parts_attachment_and_substituted_values_and_a_bad_recipient_fails_alone()
    {
        var (status, body) = await fixture.PostAsync(Inject, new
        {
            envelope_sender = "bounces@sender.test",
            content = new
            {
                from = new { email = "news@sender.test", name = "News" },
                subject = "Hello {{ name }}",
                text_body = "Your code is {{ code }}, {{ name }}.",
                html_body = "<p>Your code is <b>{{ code }}</b></p>",
                headers = new Dictionary<string, string> { ["X-Campaign"] = "{{ campaign }}" },
                attachments = new[] { new { data = Convert.ToBase64String(Encoding.ASCII.GetBytes("report,1\r\n")), base64 = true, content_type = "text/csv", file_name = "report.csv" } },
            },
            substitutions = new { campaign = "winter", code = "GLOBAL" },
            recipients = new object[]
            {
                new { email = "built@example.test", name = "Ann", substitutions = new { code = "A-42" } },
                new { email = "not an address" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("success_count").GetInt32());
        Assert.Equal(1, body.GetProperty("fail_count").GetInt32());
        Assert.Equal("not an address", body.GetProperty("failed_recipients")[0].GetString());
        Assert.Contains("not a valid address", body.GetProperty("errors")[0].GetString());
        var received = await fixture.WaitForMessageToAsync("built@example.test");
        var mime = MimeMessage.Load(new MemoryStream(received.Body));
        Assert.Equal("Hello Ann", mime.Subject);
        Assert.Equal("\"News\" <news@sender.test>", mime.From.ToString());
        Assert.Equal("\"Ann\" <built@example.test>", mime.To.ToString());
        Assert.Equal("winter", mime.Headers["X-Campaign"]);
        Assert.Equal("Your code is A-42, Ann.", mime.TextBody);
        Assert.Equal("<p>Your code is <b>A-42</b></p>", mime.HtmlBody);
        var attachment = Assert.IsAssignableFrom<MimePart>(Assert.Single(mime.Attachments));
        Assert.Equal("report.csv", attachment.FileName);
        using var data = new MemoryStream();
        attachment.Content!.DecodeTo(data);
        Assert.Equal("report,1\r\n", Encoding.ASCII.GetString(data.ToArray()));
        await Eventually.Returns(() => fixture.Node.GetMetricAsync("actormta_ingress_inject_recipients_failed_total"), failed => failed >= 1,
            TimeSpan.FromSeconds(30), "the failed recipient counted");
        Assert.True(await fixture.Node.GetMetricAsync("actormta_ingress_injected_recipients_total") >= 1);
    }

    [Fact]
    public async Task A_repeat_with_the_same_idempotency_key_answers_the_same_queue_ids_and_queues_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var request = Raw("once@example.test", "Subject: once\r\n\r\nOnly once.\r\n");

        var first = await fixture.PostAsync(Inject, request, idempotencyKey: key);
        var repeat = await fixture.PostAsync(Inject, request, idempotencyKey: key);
        var changed = await fixture.PostAsync(Inject, Raw("once@example.test", "Subject: other\r\n\r\nOther.\r\n"), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal(first.Body.GetRawText(), repeat.Body.GetRawText());
        Assert.Single(first.Body.GetProperty("queue_ids").EnumerateArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.Status);
        Assert.Contains("different request body", changed.Body.GetProperty("error").GetString());

        // Every message queued for once@ is delivered before a later marker is: had the repeat queued one, the sink would see two.
        await fixture.Node.WaitForCompletionAsync(first.Body.GetProperty("queue_ids")[0].GetString()!, TimeSpan.FromSeconds(60));
        var marker = await fixture.PostAsync(Inject, Raw("once@example.test", "Subject: marker\r\n\r\nAfter.\r\n"));
        await fixture.Node.WaitForCompletionAsync(marker.Body.GetProperty("queue_ids")[0].GetString()!, TimeSpan.FromSeconds(60));
        Assert.Single(fixture.Sink.Messages, m => m.Recipients.Any(r => r.Address == "once@example.test") && m.BodyText.Contains("Only once."));
    }

    [Fact]
    public async Task A_batch_answers_each_message_in_order_and_queues_the_good_ones()
    {
        var (status, body) = await fixture.PostAsync(Inject + "/batch", new
        {
            messages = new object[]
            {
                Raw("batch-1@example.test", "Subject: one\r\n\r\nOne.\r\n"),
                new { envelope_sender = "bad", content = "x", recipients = new[] { new { email = "batch-x@example.test" } } },
                new { envelope_sender = 5 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([200, 422, 400], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(1, results[0].GetProperty("success_count").GetInt32());
        Assert.Single(results[0].GetProperty("queue_ids").EnumerateArray());
        Assert.Contains("not a valid address", results[1].GetProperty("error").GetString());
        Assert.Contains("not an injection request", results[2].GetProperty("error").GetString());
        Assert.Contains("One.", (await fixture.WaitForMessageToAsync("batch-1@example.test")).BodyText);

        var tooMany = await fixture.PostAsync(Inject + "/batch", new { messages = Enumerable.Repeat(Raw("batch-2@example.test", "x\r\n"), 4) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.Status);
        Assert.Contains("at most 3 per batch", tooMany.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_inject_command_queues_a_message_file_with_an_inject_token()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "message.eml");
        await File.WriteAllTextAsync(file, "Subject: from the command line\r\n\r\nCLI.\r\n");
        var cli = new Dictionary<string, string?> { ["ACTORMTA_URL"] = fixture.Node.Node.ManagementUri.ToString(), ["ACTORMTA_TOKEN"] = TestTokens.Inject };

        var injected = await CliRun.RunAsync(cli, "inject", file, "--from", "ops@sender.test", "--to", "cli-1@example.test, cli-2@example.test", "--json");

        Assert.True(injected.ExitCode == 0, injected.Error);
        Assert.Equal(2, JsonDocument.Parse(injected.Out).RootElement.GetProperty("success_count").GetInt32());
        Assert.EndsWith("\r\n\r\nCLI.\r\n", (await fixture.WaitForMessageToAsync("cli-2@example.test")).BodyText);
        var refused = await CliRun.RunAsync(cli, "inject", file, "--from", "nobody", "--to", "cli-1@example.test");
        Assert.Equal(CliExitCodes.Refused, refused.ExitCode);
        Assert.Contains("envelope_sender 'nobody' is not a valid address", refused.Error);
    }
}
