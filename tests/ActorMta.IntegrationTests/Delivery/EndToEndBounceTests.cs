using System.Net;
using System.Text.Json;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;
using MimeKit;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// What cannot be delivered comes back to the sender's domain as a DSN (RFC 3464), parsed here
/// with MimeKit: a 550, a null MX (no connection at all), expiry; and never for a null sender.
/// The recipients' MX is one sink (127.0.0.1), the sender's domain's MX another (127.0.0.2).
/// </summary>
public sealed partial class EndToEndBounceTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private TestSmtpSink _recipients = null!;
    private TestSmtpSink _senders = null!;

    public Task InitializeAsync()
    {
        _recipients = TestSmtpSink.Start();
        // Same port on another loopback address: actormta.delivery.mx-port is one port for every MX.
        _senders = TestSmtpSink.Start(new TestSmtpSinkOptions { Address = IPAddress.Parse("127.0.0.2"), Port = _recipients.Port });
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1")
            .Zone("origin.test").Mx("origin.test", 10, "mx.origin.test").A("mx.origin.test", "127.0.0.2");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _recipients.DisposeAsync();
        await _senders.DisposeAsync();
        _dns.Dispose();
    }

    private Task<DeliveryNode> StartNodeAsync(string hocon = "") =>
        DeliveryNode.StartAsync($"actormta.delivery {{ mx-port = {_recipients.Port}, allow-private-destinations = on }}\n{hocon}",
            new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() });

    /// <summary>The one DSN the sender's MX got: null reverse-path, to the sender, and its per-recipient fields.</summary>
    private async Task<HeaderList> DsnAsync(string originalSubject)
    {
        var received = Assert.Single(await _senders.WaitForMessagesAsync(1, Deadline));
        Assert.Equal("", received.ReversePath);
        Assert.Equal(["sender@origin.test"], received.Recipients.Select(r => r.Address));
        var dsn = MimeMessage.Load(new MemoryStream(received.Body));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.Single(dsn.BodyParts.OfType<MessageDeliveryStatus>());
        Assert.Contains(dsn.BodyParts.OfType<MessagePart>(), p => p.Message?.Subject == originalSubject);
        Assert.Equal(2, status.StatusGroups.Count);
        return status.StatusGroups[1];
    }

    [Fact]
    public async Task A_550_comes_back_to_the_senders_domain_as_a_failure_DSN()
    {
        _recipients.Replies.OnRecipient("gone@example.test").Reply(550, "5.1.1 No such user here");
        await using var node = await StartNodeAsync();

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("bounced 550", "Nobody by that name.\r\n", to: "gone@example.test")], "sender@origin.test", "gone@example.test");

        var recipient = await DsnAsync("bounced 550");
        Assert.Equal("rfc822; gone@example.test", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Equal("dns; mx.example.test", recipient["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 No such user here", recipient["Diagnostic-Code"]);
        Assert.Empty(_recipients.Messages);
    }

    [Fact]
    public async Task A_null_MX_bounces_without_any_connection_to_the_recipients_domain()
    {
        _dns.NullMx("nomail.example.test");
        await using var node = await StartNodeAsync();

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("to null mx", "Nobody home.\r\n", to: "rcpt@nomail.example.test")], "sender@origin.test", "rcpt@nomail.example.test");

        var recipient = await DsnAsync("to null mx");
        Assert.Equal("rfc822; rcpt@nomail.example.test", recipient["Final-Recipient"]);
        Assert.Equal(("failed", "5.1.10"), (recipient["Action"], recipient["Status"]));
        Assert.Null(recipient["Remote-MTA"]);
        Assert.Equal(0, _recipients.TotalConnections);
    }

    [Fact]
    public async Task Mail_that_expires_while_deferred_comes_back_as_an_expiry_DSN()
    {
        _recipients.Replies.OnMessage().Reply(451, "4.3.0 Try again later");
        await using var node = await StartNodeAsync("actormta.queue.max-lifetime = 4s");

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("expired", "Too late.\r\n")], "sender@origin.test", "rcpt@example.test");

        var recipient = await DsnAsync("expired");
        Assert.Equal("rfc822; rcpt@example.test", recipient["Final-Recipient"]);
        Assert.Equal(("failed", "4.4.7"), (recipient["Action"], recipient["Status"]));
        Assert.Equal("smtp; 451 4.3.0 Try again later", recipient["Diagnostic-Code"]);
        Assert.True(_recipients.Transactions.Count >= 2, "the message was tried more than once before it expired");
        Assert.Empty(_recipients.Messages);
    }

    [Fact]
    public async Task A_null_sender_gets_no_DSN_for_a_550()
    {
        _recipients.Replies.OnRecipient("gone@example.test").Reply(550, "5.1.1 No such user here");
        await using var node = await StartNodeAsync();

        await RelayClient.SendAsync(node.RelayPort, [TestMessages.Message("bounce of a bounce", "From the null sender.\r\n", to: "gone@example.test")], "", "gone@example.test");

        // Failed, then the queue is empty: a DSN would have been queued before the original completed.
        var log = Path.Combine(node.DataDirectory, "delivery.log");
        await Eventually.True(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("\"failed\"")), Deadline, "the failure in the delivery log");
        await Eventually.True(async () => (await node.GetJsonAsync("/queue")).GetProperty("messages").GetInt32() == 0, Deadline, "an empty queue");
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(log))).RootElement;
        Assert.Equal(("", "failed"), (entry.GetProperty("sender").GetString(), entry.GetProperty("outcome").GetString()));
        Assert.Equal(0, _senders.TotalConnections);
    }
}
