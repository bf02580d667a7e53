using System.Net;
using System.Text;
using System.Text.Json;
using ActorMta.IntegrationTests.Cli;
using ActorMta.Queue.Bodies;
using Microsoft.Extensions.DependencyInjection;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// POST /api/admin/retry/v1: mail waiting an hour for its retry goes now, by message or by domain; driven
/// through the CLI's `retry` and `message show` as an operator would, with the raw API for the refusals.
/// </summary>
public sealed class AdminRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private TestSmtpSink _sink = null!;

    public Task InitializeAsync()
    {
        _sink = TestSmtpSink.Start();
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        _dns.Dispose();
    }

    [Fact]
    public async Task Retry_now_sends_a_deferred_message_or_a_domains_waiting_mail_at_once_instead_of_in_an_hour()
    {
        _sink.Replies.OnMessage().Times(3).Reply(451, "4.3.0 Try again later");
        await using var node = await DeliveryNode.StartAsync($$"""
            actormta.delivery { mx-port = {{_sink.Port}}, allow-private-destinations = on }
            actormta.queue.retry { initial = 1h, max = 2h }
            """, new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() });
        var first = await node.EnqueueAsync("sender@origin.test", ["a@example.test"], Encoding.ASCII.GetBytes("Subject: first\r\n\r\nOne.\r\n"));
        await WaitDeferredAsync(node, first);
        var second = await node.EnqueueAsync("sender@origin.test", ["b@example.test"], Encoding.ASCII.GetBytes("Subject: second\r\n\r\nTwo.\r\n"));
        await WaitDeferredAsync(node, second);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await node.PostJsonAsync("/api/admin/retry/v1", new { domain = "example.test", queue_id = first })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.PostJsonAsync("/api/admin/retry/v1", new { queue_id = "not-a-queue-id" })).Status);

        var cli = new Dictionary<string, string?> { ["ACTORMTA_URL"] = node.Node.ManagementUri.ToString(), ["ACTORMTA_TOKEN"] = TestTokens.Admin };
        // The first message: deferred, tried now and deferred again, tried now and delivered.
        var byMessage = await CliRun.RunAsync(cli, "retry", "--queue-id", first, "--json");
        Assert.True(byMessage.ExitCode == 0, byMessage.Error);
        await WaitDeferredAsync(node, first, attempts: 2);
        Assert.True((await CliRun.RunAsync(cli, "retry", "--queue-id", first)).ExitCode == 0);
        await node.WaitForCompletionAsync(first, Deadline);
        Assert.Single(await _sink.WaitForMessagesAsync(1, Deadline));

        // inspect-message: the envelope and the real timeline of a message deferred twice and then delivered.
        // The body's delete is batched after completion; put a row back, as if it had not run yet: a completed
        // message's body must not be answered either way (CI once saw the row before its delete).
        var bodies = node.Node.Services.GetRequiredService<MessageBodyStore>();
        await bodies.StoreAsync([new StoredBody(first, 0, Encoding.ASCII.GetBytes("Subject: first\r\n\r\nOne.\r\n"))], DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.NotNull(await bodies.ReadAsync(first, CancellationToken.None));
        var inspected = await node.GetJsonAsync($"/api/admin/inspect-message/v1?id={first}&want_body=true");
        Assert.Equal(first, inspected.GetProperty("id").GetString());
        var message = inspected.GetProperty("message");
        Assert.Equal("sender@origin.test", message.GetProperty("sender").GetString());
        Assert.Equal("completed", message.GetProperty("meta").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("data").ValueKind); // a completed message's body is gone
        var timeline = message.GetProperty("timeline").EnumerateArray().Select(e => (e.GetProperty("event").GetString(), e.GetProperty("detail").GetString())).ToArray();
        Assert.Equal("accepted", timeline[0].Item1);
        Assert.Equal(2, timeline.Count(e => e.Item2!.Contains("451 4.3.0 Try again later")));
        Assert.Contains(timeline, e => e.Item1!.Contains("delivered"));

        // `message show` renders the same timeline as a table, and --json is the route's answer unchanged.
        var shown = await CliRun.RunAsync(cli, "message", "show", first);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("sender@origin.test", shown.Out);
        Assert.Contains("451 4.3.0 Try again later", shown.Out);
        Assert.Matches(@"│\s+accepted\s+│", shown.Out);
        var shownJson = await CliRun.RunAsync(cli, "message", "show", first, "--json");
        Assert.Equal(timeline.Length, JsonDocument.Parse(shownJson.Out).RootElement.GetProperty("message").GetProperty("timeline").GetArrayLength());
        var unknown = await CliRun.RunAsync(cli, "message", "show", "not-a-queue-id");
        Assert.Equal(ActorMta.Host.Cli.CliExitCodes.NotFound, unknown.ExitCode);

        var waiting = (await node.GetJsonAsync($"/api/admin/inspect-message/v1?id={second}&want_body=true")).GetProperty("message");
        Assert.Equal("queued", waiting.GetProperty("meta").GetProperty("state").GetString());
        Assert.EndsWith("Subject: second\r\n\r\nTwo.\r\n", waiting.GetProperty("data").GetString());
        Assert.Equal(1, waiting.GetProperty("num_attempts").GetInt32());
        Assert.True(waiting.GetProperty("due").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(30));

        var byDomain = await CliRun.RunAsync(cli, "retry", "--domain", "example.test");
        Assert.True(byDomain.ExitCode == 0, byDomain.Error);
        Assert.Contains("example.test", byDomain.Out);
        await node.WaitForCompletionAsync(second, Deadline);
        Assert.Equal(2, (await _sink.WaitForMessagesAsync(2, Deadline)).Count);
    }

    /// <summary>Deferred <paramref name="attempts"/> time(s), and not due again for most of an hour.</summary>
    private static async Task WaitDeferredAsync(DeliveryNode node, string queueId, int attempts = 1)
    {
        var recipient = await Eventually.Returns(async () => (await node.GetJsonAsync($"/queue/messages/{queueId}")).GetProperty("recipients")[0],
            r => r.GetProperty("attempts").GetInt32() == attempts && r.GetProperty("status").GetString() == "deferred", Deadline, $"{queueId} deferred {attempts} time(s)");
        Assert.True(recipient.GetProperty("nextAttemptAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(30));
    }
}
