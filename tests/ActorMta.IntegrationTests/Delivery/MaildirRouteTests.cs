using System.Text;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>Queue to the sharded domain delivery actor to a maildir, through a real node.</summary>
public sealed class MaildirRouteTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Queued_mail_for_a_maildir_domain_lands_in_new_and_the_message_completes()
    {
        await using var node = await DeliveryNode.StartAsync("""
            actormta.delivery.domains."local.test" { route = maildir, directory = "mail" }
            """);
        var body = Encoding.UTF8.GetBytes("Subject: to a maildir\r\n\r\nBody line\r\n.leading dot\r\n");

        var queueId = await node.EnqueueAsync("sender@origin.test", ["alice@local.test", "bob@LOCAL.test"], body);

        var message = await node.WaitForCompletionAsync(queueId, Deadline);
        Assert.All(message.GetProperty("recipients").EnumerateArray(), r => Assert.Equal("delivered", r.GetProperty("status").GetString()));
        var files = Directory.GetFiles(Path.Combine(node.DataDirectory, "mail", "new"));
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.EndsWith(Encoding.UTF8.GetString(body), File.ReadAllText(f)));

        var domains = await node.GetJsonAsync("/delivery/domains");
        var domain = Assert.Single(domains.GetProperty("domains").EnumerateArray());
        Assert.Equal(("local.test", "maildir", 2), (domain.GetProperty("domain").GetString(), domain.GetProperty("route").GetString(), domain.GetProperty("delivered").GetInt32()));
        var log = await Eventually.Returns(() => Task.FromResult(File.ReadAllLines(Path.Combine(node.DataDirectory, "delivery.log"))), l => l.Length == 2, Deadline, "two log lines");
        Assert.All(log, l => Assert.Contains(queueId, l));
    }
}
