using System.Net;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using MimeKit;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// Issue 11: an admin bounce of a domain takes effect across two nodes. Posted to the node that does not run the
/// domain's delivery actor, it bounces the mail queued on both nodes (a DSN to each sender, an AdminBounce line in
/// the delivery log), and mail arriving while it lasts; it is listed under one id by both nodes, and once it is
/// deleted mail flows again. Retries are an hour apart here, so what goes at once went because of the operator:
/// the bounce makes waiting mail due on every partition, and a retry posted to the other node sends deferred mail now.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FleetAdminBounceTests(ITestOutputHelper output)
{
    private const string Reason = "fleet-test-bad-send";
    private const int Messages = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_domain_bounce_posted_to_one_node_bounces_mail_queued_on_both_and_mail_arriving_until_it_is_deleted_then_retry_sends_now()
    {
        var senderPort = FreePort.Tcp();
        await using var fleet = await TestFleet.StartAsync(output, size: 2,
            hocon: $$"""
                actormta.delivery.domains."origin.test" { route = static, hosts = ["127.0.0.1:{{senderPort}}"], tls = none }
                actormta.queue.retry { initial = 1h, max = 2h }
                """);
        await using var recipients = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
        await using var senders = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = senderPort });
        recipients.Replies.OnRecipient().Reply(451, "4.2.1 mailbox busy, try later");
        await fleet.RunAsync(async () =>
        {
            var load = await MailLoad.QueueAllAsync(fleet, Messages, sessionsPerNode: 1, output);
            await Eventually.True(() => Task.FromResult(recipients.TotalConnections > 0), Deadline, "the queued mail tried and deferred");
            var host = await fleet.HostOfDomainAsync();
            var operatorNode = fleet.Nodes.Single(n => n != host);

            var (status, created) = await operatorNode.PostAsync("/api/admin/bounce/v1", new { domain = TestFleet.Domain, reason = Reason, duration = "10m" });
            Assert.Equal(HttpStatusCode.OK, status);
            var id = created.GetProperty("id").GetString();
            await WaitForDsnsAsync(senders, Messages);
            foreach (var submission in load.Submissions)
                await Eventually.True(async () => (await operatorNode.GetAsync($"/queue/messages/{submission.QueueId}")).Body.GetProperty("state").GetString() == "completed",
                    Deadline, $"message {submission.Index} bounced and completed");

            // While the rule lasts, new mail for the domain is bounced too, though the next hop would take it now.
            recipients.Replies.Clear();
            await load.SendAsync(1, sessionsPerNode: 1);
            await WaitForDsnsAsync(senders, Messages + 1);
            Assert.Empty(recipients.Messages);
            // One AdminBounce line per recipient, in the delivery log of the node that runs the domain's actor.
            await Eventually.True(() => Task.FromResult(File.ReadLines(Path.Combine(host.DataDirectory, "delivery.log"))
                .Count(l => l.Contains("\"bounceClass\":\"AdminBounce\"", StringComparison.Ordinal)) == Messages + 1), Deadline, $"{Messages + 1} AdminBounce lines");

            foreach (var node in fleet.Nodes)
            {
                var (listed, list) = await node.GetAsync("/api/admin/bounce/v1");
                Assert.Equal(HttpStatusCode.OK, listed);
                var entry = Assert.Single(list.EnumerateArray());
                Assert.Equal((id, TestFleet.Domain, Reason), (entry.GetProperty("id").GetString(), entry.GetProperty("domain").GetString(), entry.GetProperty("reason").GetString()));
                Assert.Equal(Messages + 1, entry.GetProperty("total_bounced").GetInt32());
            }
            Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Delete, "/api/admin/bounce/v1", new { id })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await operatorNode.SendAsync(HttpMethod.Delete, "/api/admin/bounce/v1", new { id })).Status);
            Assert.Equal(0, (await operatorNode.GetAsync("/api/admin/bounce/v1")).Body.GetArrayLength());

            // Deferred for an hour, then "try now" posted to the node that does not run the domain's actor.
            recipients.Replies.OnMessage().Times(1).Reply(451, "4.3.0 try again later");
            await load.SendAsync(1, sessionsPerNode: 1);
            await recipients.WaitUntilAsync(s => s.Transactions.Any(t => t.ReplyCode == 451), Deadline, "the new message deferred");
            Assert.Empty(recipients.Messages);
            Assert.Equal(HttpStatusCode.OK, (await operatorNode.PostAsync("/api/admin/retry/v1", new { domain = TestFleet.Domain })).Status);
            Assert.Single(await recipients.WaitForMessagesAsync(1, Deadline));
            Assert.Equal(Messages + 1, senders.Messages.Count);

            // Issue 13, while two members are up: the TLS-RPT report asks both over the cluster (nothing counted here: static route).
            using var http = new HttpClient();
            using var report = await http.GetAsync(new Uri(operatorNode.Management, $"/api/admin/tls-rpt/v1?domain={TestFleet.Domain}"));
            Assert.Equal((HttpStatusCode.NotFound, "2", false), (report.StatusCode, string.Join(",", report.Headers.GetValues("ActorMta-Nodes-Answered")),
                report.Headers.Contains("ActorMta-Nodes-Missing")));
        });
    }

    /// <summary>The failure DSNs at the senders' MX, each saying why.</summary>
    private static async Task WaitForDsnsAsync(TestSmtpSink senders, int count)
    {
        var dsns = await senders.WaitForMessagesAsync(count, Deadline);
        Assert.All(dsns, dsn =>
        {
            Assert.Equal("", dsn.ReversePath);
            var recipient = MimeMessage.Load(new MemoryStream(dsn.Body)).BodyParts.OfType<MessageDeliveryStatus>().Single().StatusGroups[1];
            Assert.Equal(("failed", "5.7.1"), (recipient["Action"], recipient["Status"]));
            Assert.Contains($"Administrator bounced with reason: {Reason}", recipient["Diagnostic-Code"], StringComparison.Ordinal);
        });
    }
}
