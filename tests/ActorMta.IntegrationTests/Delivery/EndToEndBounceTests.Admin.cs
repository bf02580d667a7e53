using System.Net;
using System.Text;
using System.Text.Json;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// Issue 11 on one node: POST /api/admin/bounce/v1 {queue_id} bounces a deferred message with a DSN to the sender
/// and an AdminBounce delivery log line; bad bodies get 400/422 with the reason; GET /api/admin/ready-q-states/v1
/// names the setting behind each limit (the domain's own entry, or the defaults) and shows the last reply.
/// (A domain's bounce across two nodes: Fleet/FleetAdminBounceTests.)
/// </summary>
public sealed partial class EndToEndBounceTests
{
    [Fact]
    public async Task A_deferred_message_bounced_by_queue_id_gets_a_DSN_and_an_AdminBounce_line_and_ready_q_states_names_each_limits_setting()
    {
        _recipients.Replies.OnMessage().Times(1).Reply(451, "4.3.0 Try again later");
        await using var node = await StartNodeAsync("""
            actormta.delivery.domains."example.test" { max-connections = 3 }
            actormta.queue.retry { initial = 1h, max = 2h }
            """);
        var queueId = await node.EnqueueAsync("sender@origin.test", ["a@example.test"], Encoding.ASCII.GetBytes("Subject: to bounce\r\n\r\nOne.\r\n"));
        await Eventually.True(async () => (await node.GetJsonAsync($"/queue/messages/{queueId}")).GetProperty("recipients")[0].GetProperty("status").GetString() == "deferred",
            Deadline, $"{queueId} deferred for an hour");

        await AssertRefusedAsync(node, 400, "a JSON string, not an object", "not the JSON expected");
        await AssertRefusedAsync(node, 422, new { queue_id = queueId }, "reason is required");
        await AssertRefusedAsync(node, 422, new { reason = "r" }, "exactly one of domain and queue_id");
        await AssertRefusedAsync(node, 422, new { domain = "example.test", queue_id = queueId, reason = "r" }, "exactly one of domain and queue_id");
        await AssertRefusedAsync(node, 422, new { domain = "example.test", campaign = "spring", reason = "r" }, "campaign");
        await AssertRefusedAsync(node, 422, new { domain = "example.test", tenant = "t", reason = "r" }, "tenant");
        await AssertRefusedAsync(node, 422, new { queue_id = queueId, reason = "r", duration = "1h" }, "not to one message");
        await AssertRefusedAsync(node, 422, new { domain = "example.test", reason = "r", duration = "soon" }, "duration");
        Assert.Equal(HttpStatusCode.NotFound, (await node.PostJsonAsync("/api/admin/bounce/v1", new { queue_id = "not-a-queue-id", reason = "r" })).Status);

        var states = (await node.GetJsonAsync("/api/admin/ready-q-states/v1?queues=example.test")).GetProperty("states_by_ready_queue");
        var state = Assert.Single(states.EnumerateObject()).Value;
        var limits = state.GetProperty("limits");
        Assert.Equal((3, "actormta.delivery.domains.\"example.test\".max-connections"),
            (limits.GetProperty("max_connections").GetProperty("value").GetInt32(), limits.GetProperty("max_connections").GetProperty("source").GetString()));
        Assert.Equal((100, "actormta.delivery.defaults.max-messages-per-connection"),
            (limits.GetProperty("max_messages_per_connection").GetProperty("value").GetInt32(), limits.GetProperty("max_messages_per_connection").GetProperty("source").GetString()));
        Assert.Equal(1, state.GetProperty("queued").GetProperty("deferred").GetInt32());
        Assert.Equal("451 4.3.0 Try again later", state.GetProperty("last_reply").GetString());
        Assert.Equal(0, state.GetProperty("ready_count").GetInt32());

        var (status, bounced) = await node.PostJsonAsync("/api/admin/bounce/v1", new { queue_id = queueId, reason = "cleaning up a bad send" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, bounced.GetProperty("total_bounced").GetInt32());
        Assert.Equal(1, bounced.GetProperty("bounced").GetProperty("example.test").GetInt32());
        Assert.True(Guid.TryParse(bounced.GetProperty("id").GetString(), out _));

        await node.WaitForCompletionAsync(queueId, Deadline);
        var recipient = await DsnAsync("to bounce");
        Assert.Equal(("failed", "5.7.1"), (recipient["Action"], recipient["Status"]));
        Assert.Contains("Administrator bounced with reason: cleaning up a bad send", recipient["Diagnostic-Code"], StringComparison.Ordinal);
        var log = await Eventually.Returns(() => Task.FromResult(File.ReadAllLines(Path.Combine(node.DataDirectory, "delivery.log"))),
            lines => lines.Any(l => l.Contains("AdminBounce", StringComparison.Ordinal)), Deadline, "the AdminBounce line");
        var line = JsonDocument.Parse(log.Single(l => l.Contains("AdminBounce", StringComparison.Ordinal))).RootElement;
        Assert.Equal((queueId, "a@example.test", "failed", 551), (line.GetProperty("queueId").GetString(), line.GetProperty("recipient").GetString(),
            line.GetProperty("outcome").GetString(), line.GetProperty("code").GetInt32()));
        Assert.Empty(_recipients.Messages); // the one attempt got 451; the bounce came before the next
    }

    private static async Task AssertRefusedAsync(DeliveryNode node, int expected, object body, string reason)
    {
        var (status, answer) = await node.PostJsonAsync("/api/admin/bounce/v1", body);
        Assert.Equal(expected, (int)status);
        Assert.Contains(reason, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
