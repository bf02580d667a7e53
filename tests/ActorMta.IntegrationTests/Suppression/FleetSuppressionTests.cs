using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using ActorMta.IntegrationTests.Delivery;
using ActorMta.IntegrationTests.Fleet;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Suppression;

/// <summary>
/// Issue 13: a recipient that hard-bounces (550 5.1.1 from the next hop: InvalidRecipient) goes on the suppression list,
/// which both nodes of a two-node fleet on PostgreSQL then enforce at RCPT (and the injection API in its answer);
/// removed through the API on one node, mail to it goes through again on both.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FleetSuppressionTests(ITestOutputHelper output)
{
    private const string Gone = "Gone.User@dest.test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task A_hard_bounce_suppresses_the_recipient_at_RCPT_on_every_node_until_it_is_removed_through_the_API()
    {
        await using var fleet = await TestFleet.StartAsync(output, size: 2, hocon: $"actormta.management.tokens.inject = [\"{TestTokens.Inject}\"]");
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
        sink.Replies.OnRecipient(Gone).Reply(550, "5.1.1 <gone.user@dest.test>: Recipient address rejected: User unknown");
        await fleet.RunAsync(async () =>
        {
            var (first, second) = (fleet.Nodes[0], fleet.Nodes[1]);
            await RelayClient.SendAsync(first.RelayPort, [TestMessages.Message("suppression", "hello", to: Gone)], "sender@origin.test", Gone);
            // Case differs from the bounce's: the list compares addresses case-insensitively.
            await Eventually.True(async () => (await second.GetAsync("/api/admin/suppression/v1/check?recipient=gone.user%40DEST.test")).Body
                .GetProperty("suppressed").GetBoolean(), Deadline, "the hard-bounced recipient on the list, seen from the other node");
            var (_, check) = await first.GetAsync("/api/admin/suppression/v1/check?recipient=gone.user%40dest.test");
            var entry = check.GetProperty("entry");
            Assert.Equal(("gone.user@dest.test", "global", "bounce:InvalidRecipient"),
                (entry.GetProperty("recipient").GetString(), entry.GetProperty("scope").GetString(), entry.GetProperty("source").GetString()));
            Assert.Contains("User unknown", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("queue_id").GetString()));

            foreach (var node in fleet.Nodes)
            {
                var reply = await RcptReplyAsync(node.RelayPort, Gone);
                Assert.StartsWith("550 5.1.1 <Gone.User@dest.test>: recipient is suppressed (550 5.1.1", reply, StringComparison.Ordinal);
                Assert.StartsWith("250", await RcptReplyAsync(node.RelayPort, "someone.else@dest.test"), StringComparison.Ordinal);
            }
            var injected = await InjectAsync(second, Gone);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, injected.StatusCode);
            Assert.Contains("recipient is suppressed", await injected.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            var (removed, body) = await second.SendAsync(HttpMethod.Delete, "/api/admin/suppression/v1", new { recipient = Gone });
            Assert.Equal((HttpStatusCode.OK, 1), (removed, body.GetProperty("removed").GetInt32()));
            sink.Replies.Clear();
            foreach (var node in fleet.Nodes)
                Assert.StartsWith("250", await RcptReplyAsync(node.RelayPort, Gone), StringComparison.Ordinal);
            await RelayClient.SendAsync(first.RelayPort, [TestMessages.Message("suppression", "hello", to: Gone)], "sender@origin.test", Gone);
            Assert.Contains(await sink.WaitForMessagesAsync(1, Deadline), m => m.Recipients.Any(r => r.Address == Gone));
        });
    }

    /// <summary>The reply to RCPT TO for <paramref name="recipient"/> in a fresh session (then QUIT): the exact text a client sees.</summary>
    private static async Task<string> RcptReplyAsync(int port, string recipient)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        async Task<string> ReplyAsync()
        {
            string line;
            while ((line = (await reader.ReadLineAsync())!)[3] == '-') { }
            return line;
        }
        await ReplyAsync();
        await writer.WriteLineAsync("EHLO client.test");
        await ReplyAsync();
        await writer.WriteLineAsync("MAIL FROM:<sender@origin.test>");
        await ReplyAsync();
        await writer.WriteLineAsync($"RCPT TO:<{recipient}>");
        var reply = await ReplyAsync();
        await writer.WriteLineAsync("QUIT");
        return reply;
    }

    private static async Task<HttpResponseMessage> InjectAsync(FleetNode node, string recipient)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.Management, "/api/inject/v1"))
        {
            Content = JsonContent.Create(new { envelope_sender = "sender@origin.test", content = "Subject: x\r\n\r\nx\r\n", recipients = new[] { new { email = recipient } } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Inject);
        return await Http.SendAsync(request);
    }
}
