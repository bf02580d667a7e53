using MailKit.Net.Smtp;
using MailKit.Security;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>MailKit, a well-kept independent client, against the real node: each listener role, and the message in the real queue.</summary>
public sealed class MailKitTests(IngressNode node) : IClassFixture<IngressNode>
{
    [Fact]
    public async Task Submission_with_starttls_and_auth_puts_the_message_in_the_queue()
    {
        using var client = await IngressNode.SubmitterAsync(node.Submission, SecureSocketOptions.StartTls);

        var queueId = IngressNode.QueueIdOf(await client.SendAsync(IngressNode.Message("submission test", to: "someone@far-away.example")));
        await client.DisconnectAsync(quit: true);

        var queued = await node.QueuedMessageAsync(queueId);
        Assert.Equal(queueId, queued.GetProperty("queueId").GetString());
        Assert.Equal("sender@example.com", queued.GetProperty("envelope").GetProperty("reversePath").GetString());
        Assert.Equal(IngressNode.User, queued.GetProperty("envelope").GetProperty("client").GetProperty("authenticatedUser").GetString());
        var recipient = Assert.Single(queued.GetProperty("recipients").EnumerateArray());
        Assert.Equal("someone@far-away.example", recipient.GetProperty("address").GetString());
        var body = await node.BodyAsync(queueId);
        Assert.StartsWith("Received: from ", body);
        Assert.Contains("(authenticated as submitter)", body);
        Assert.Contains("by mx.node.test (ActorMta) with ESMTPSA id ", body);
        Assert.Contains("Subject: submission test\r\n", body);
        Assert.Contains("\r\n.a line with a leading dot\r\n", body);
    }

    [Fact]
    public async Task Submission_refuses_mail_without_auth()
    {
        using var client = IngressNode.MailKit();
        await IngressNode.ConnectAsync(client, node.Submission, SecureSocketOptions.StartTls);

        // MailKit turns 530 5.7.0 into its "authenticate first" exception.
        var error = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(IngressNode.Message("no auth")));

        Assert.Equal("5.7.0 Authentication required", error.Message);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_535()
    {
        using var client = IngressNode.MailKit();
        await IngressNode.ConnectAsync(client, node.Submission, SecureSocketOptions.StartTls);

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(IngressNode.User, "wrong"));

        Assert.Contains("5.7.8", error.Message);
    }

    [Fact]
    public async Task Smtps_speaks_tls_from_the_first_octet()
    {
        using var client = await IngressNode.SubmitterAsync(node.Smtps, SecureSocketOptions.SslOnConnect);

        var queueId = IngressNode.QueueIdOf(await client.SendAsync(IngressNode.Message("smtps test")));

        Assert.Equal("smtps", (await node.QueuedMessageAsync(queueId)).GetProperty("envelope").GetProperty("client").GetProperty("listener").GetString());
    }

    [Fact]
    public async Task A_hundred_messages_pipelined_on_one_connection_are_all_queued()
    {
        using var client = IngressNode.MailKit();
        await IngressNode.ConnectAsync(client, node.Relay, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));

        var queueIds = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var message = IngressNode.Message($"pipelined {i}", to: $"rcpt{i}@example.org");
            message.To.Add(MimeKit.MailboxAddress.Parse($"copy{i}@example.net"));
            queueIds.Add(IngressNode.QueueIdOf(await client.SendAsync(message)));
        }
        await client.DisconnectAsync(quit: true);

        Assert.Equal(100, queueIds.Distinct().Count());
        foreach (var (queueId, i) in queueIds.Select((id, i) => (id, i)))
        {
            var recipients = (await node.QueuedMessageAsync(queueId)).GetProperty("recipients").EnumerateArray()
                .Select(r => r.GetProperty("address").GetString()!).ToArray();
            Assert.Equal([$"rcpt{i}@example.org", $"copy{i}@example.net"], recipients);
        }
    }
}
