using System.Text;
using System.Text.Json;
using ActorMta.Contracts;
using ActorMta.Ingress.Http;
using ActorMta.Ingress.Policy;
using ActorMta.Management.Admin;

namespace ActorMta.Tests.Ingress.Http;

/// <summary>The injection API honours the pool header (its clients hold an inject token), marks it for removal, and fails an unknown pool.</summary>
public sealed class InjectPoolTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static readonly InjectRules Rules = new("mta.test", 100, 100, 1024 * 1024, 30,
        new RelayPolicy(TrustedNetworks.Parse([], "t"), AcceptedDomains.Parse([], "a")), RecipientValidation.None)
    {
        PoolChoice = new PoolChoice("X-ActorMta-Pool", new HashSet<string> { "b" }, new Dictionary<string, string>()),
    };

    private static (IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<FailedRecipient> Failed, InjectRefusal? Refusal) Plan(string content) =>
        InjectPlanner.Plan(JsonSerializer.Deserialize<InjectRequest>(JsonSerializer.Serialize(new
        {
            envelope_sender = "s@sender.test",
            content,
            recipients = new[] { new { email = "r@dest.test" } },
        }), AdminJson.Options)!, Rules, Now);

    [Fact]
    public void The_pool_header_picks_the_pool_and_is_marked_for_removal()
    {
        var message = Assert.Single(Plan("Subject: s\r\nX-ActorMta-Pool: b\r\n\r\nbody\r\n").Messages);

        Assert.Equal("b", message.Pool);
        var (start, end) = Assert.Single(message.Removed!);
        var content = Encoding.ASCII.GetString(message.Content);
        Assert.Equal("X-ActorMta-Pool: b\r\n", content[(int)start..(int)end]);
    }

    [Fact]
    public void An_unknown_pool_fails_the_recipients_so_nothing_is_queued()
    {
        var (messages, failed, refusal) = Plan("Subject: s\r\nX-ActorMta-Pool: nosuch\r\n\r\nbody\r\n");

        Assert.Null(refusal);
        Assert.Empty(messages);
        Assert.Equal("recipient 'r@dest.test': 554 5.6.0 X-ActorMta-Pool names egress pool 'nosuch', which this relay does not have (it has b)",
            Assert.Single(failed).Error);
    }
}
