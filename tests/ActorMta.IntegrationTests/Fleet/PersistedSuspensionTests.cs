using System.Net;
using System.Text.Json;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// Issue 9 (d): an operator's suspension outlives the SIGKILL of the node whose delivery actor held it.
/// Issue 11: made, listed and cancelled through KumoMTA's /api/admin/suspend/v1 on different nodes.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PersistedSuspensionTests(ITestOutputHelper output)
{
    private const string Reason = "fleet-test-maintenance-window";
    private const int Messages = 30;

    [Fact]
    public async Task An_operator_suspension_survives_the_kill_of_its_node_and_is_still_enforced()
    {
        await using var fleet = await TestFleet.StartAsync(output);
        // The next hop is up the whole time: only the suspension keeps mail from it.
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Port = fleet.NextHopPort });
        await fleet.RunAsync(async () =>
        {
            var host = await fleet.HostOfDomainAsync();
            var operatorNode = fleet.Nodes.First(n => n != host); // through another node's API: the request travels to the actor
            var (status, created) = await operatorNode.PostAsync("/api/admin/suspend/v1", new { domain = TestFleet.Domain, reason = Reason, duration = "30m" });
            Assert.Equal(HttpStatusCode.OK, status);
            var id = created.GetProperty("id").GetString();
            var (_, suspended) = await operatorNode.GetAsync($"/delivery/domains/{TestFleet.Domain}");
            Assert.Equal("suspended", suspended.GetProperty("state").GetString());
            var until = suspended.GetProperty("suspendedUntil").GetDateTimeOffset();

            var killedAt = await host.KillAsync();
            output.WriteLine($"suspended until {until:HH:mm:ss} through node {operatorNode.Number}; killed node {host.Number} (the domain's host) at {killedAt:HH:mm:ss.fff} UTC");
            // Listed by a survivor, running on a survivor, without anyone asking for the domain itself.
            var listed = await Eventually.Returns(() => DomainListedAsync(operatorNode), d => d is { } v && v.GetProperty("node").GetString() != host.Address,
                TimeSpan.FromSeconds(60), $"{TestFleet.Domain} listed by GET /delivery/domains as running on a survivor");
            var domain = listed!.Value;
            output.WriteLine($"after the kill: {domain}");
            Assert.Equal("suspended", domain.GetProperty("state").GetString());
            Assert.Contains(Reason, domain.GetProperty("suspendReason").GetString(), StringComparison.Ordinal); // shown as "operator: {reason}"
            Assert.InRange(domain.GetProperty("suspendedUntil").GetDateTimeOffset(), until - TimeSpan.FromSeconds(1), until + TimeSpan.FromSeconds(1));

            var load = new MailLoad(fleet);
            load.Exclude(host);
            await load.SendAsync(Messages, sessionsPerNode: 2);
            Assert.DoesNotContain(load.Submissions, s => !s.Accepted);
            // Enforced: every message was handed to the domain and answered "deferred" with the suspension, due again only when it ends.
            foreach (var submission in load.Submissions)
            {
                var recipient = await Eventually.Returns(() => RecipientAsync(operatorNode, submission.QueueId!),
                    r => r is { } v && v.GetProperty("attempts").GetInt32() >= 1 && v.GetProperty("lastReply").GetString()?.Contains(Reason, StringComparison.Ordinal) == true,
                    TimeSpan.FromSeconds(30), $"message {submission.Index} deferred by the suspension");
                Assert.Equal("deferred", recipient!.Value.GetProperty("status").GetString());
                Assert.True(recipient.Value.GetProperty("nextAttemptAt").GetDateTimeOffset() >= until - TimeSpan.FromSeconds(1), $"due again before the suspension ends: {recipient}");
            }
            output.WriteLine($"{Messages} messages deferred by the suspension; the next hop saw {sink.TotalConnections} connections and {sink.Transactions.Count} transactions");
            Assert.Equal(0, sink.TotalConnections);

            // Every survivor lists the suspension under its id; cancelling it on one node releases the mail fleet-wide.
            var survivors = fleet.Nodes.Where(n => n != host).ToArray();
            foreach (var survivor in survivors)
            {
                var (listStatus, list) = await survivor.GetAsync("/api/admin/suspend/v1");
                Assert.Equal(HttpStatusCode.OK, listStatus);
                var entry = Assert.Single(list.EnumerateArray());
                Assert.Equal((id, TestFleet.Domain, Reason), (entry.GetProperty("id").GetString(), entry.GetProperty("domain").GetString(), entry.GetProperty("reason").GetString()));
            }
            var canceller = survivors.Last();
            Assert.Equal(HttpStatusCode.OK, (await canceller.SendAsync(HttpMethod.Delete, "/api/admin/suspend/v1", new { id })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await canceller.SendAsync(HttpMethod.Delete, "/api/admin/suspend/v1", new { id })).Status);
            Assert.Equal(0, (await survivors[0].GetAsync("/api/admin/suspend/v1")).Body.GetArrayLength());
            await sink.WaitForMessagesAsync(Messages, TimeSpan.FromSeconds(90));
        });
    }

    private static async Task<JsonElement?> DomainListedAsync(FleetNode node)
    {
        var (status, body) = await node.GetAsync("/delivery/domains");
        if (status != HttpStatusCode.OK) return null;
        foreach (var domain in body.GetProperty("domains").EnumerateArray())
            if (domain.GetProperty("domain").GetString() == TestFleet.Domain) return domain.Clone();
        return null;
    }

    private static async Task<JsonElement?> RecipientAsync(FleetNode node, string queueId)
    {
        var (status, body) = await node.GetAsync($"/queue/messages/{queueId}");
        return status == HttpStatusCode.OK ? body.GetProperty("recipients")[0].Clone() : null;
    }
}
