using System.Net;
using System.Text;
using ActorMta.Ingress.Auth;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// Issue 13's pool choice, end to end on one node: a message's X-ActorMta-Pool header and an SMTP AUTH tenant pick the
/// egress pool it leaves from (the sink tells sources apart by the connection's address: 127.0.0.2/3/4, all on lo), the
/// header never leaves the relay, and a pool that does not exist is refused at the end of DATA.
/// </summary>
public sealed class PoolChoiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly IPAddress DomainSource = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress PoolB = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress TenantPool = IPAddress.Parse("127.0.0.4");
    private readonly TempDirectory _secrets = new();
    private TestSmtpSink _sink = null!;
    private DeliveryNode _node = null!;

    public async Task InitializeAsync()
    {
        _sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });
        var credentials = Path.Combine(_secrets.Path, "credentials");
        CredentialStore.AddUser(credentials, "billing-app", "s3cret-pass", PasswordHash.MinIterations);
        _node = await DeliveryNode.StartAsync($$"""
            actormta.smtp.auth.credentials-file = "{{credentials}}"
            actormta.delivery {
              allow-private-destinations = on
              egress-sources {
                a { address = "{{DomainSource}}", ehlo-name = "a.sender.test" }
                b { address = "{{PoolB}}", ehlo-name = "b.sender.test" }
                t { address = "{{TenantPool}}", ehlo-name = "t.sender.test" }
              }
              egress-pools.b { sources = [b] }
              egress-pools.transactional { sources = [t] }
              tenant-pools { "billing-app" = transactional }
              domains."dest.test" { route = static, hosts = ["127.0.0.1:{{_sink.Port}}"], tls = none, egress = [a] }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _sink.DisposeAsync();
        _secrets.Dispose();
    }

    [Fact]
    public async Task The_header_and_the_tenant_pick_the_pool_the_header_never_leaves_and_an_unknown_pool_is_refused()
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, _node.RelayPort);
        using (var trusted = new SmtpClient { Timeout = 30_000 })
        {
            await trusted.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, SecureSocketOptions.None);
            await trusted.SendAsync(Message("plain", null));
            await trusted.SendAsync(Message("header-b", "b"));
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => trusted.SendAsync(Message("nosuch", "nosuch")));
            Assert.Equal((SmtpStatusCode)554, refused.StatusCode);
            Assert.Equal("5.6.0 X-ActorMta-Pool names egress pool 'nosuch', which this relay does not have (it has b, transactional)", refused.Message);
            await trusted.DisconnectAsync(true);
        }
        using (var tenant = new SmtpClient { Timeout = 30_000, ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await tenant.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, SecureSocketOptions.StartTls);
            await tenant.AuthenticateAsync("billing-app", "s3cret-pass");
            await tenant.SendAsync(Message("tenant", null));
            await tenant.SendAsync(Message("tenant-with-header-b", "b")); // the header beats the tenant
            await tenant.DisconnectAsync(true);
        }

        var received = await _sink.WaitForMessagesAsync(4, Deadline);
        IPAddress SourceOf(string subject) => received.Single(m => Text(m).Contains($"Subject: {subject}\r\n", StringComparison.Ordinal)).RemoteEndPoint.Address;
        Assert.Equal(DomainSource, SourceOf("plain"));
        Assert.Equal(PoolB, SourceOf("header-b"));
        Assert.Equal(TenantPool, SourceOf("tenant"));
        Assert.Equal(PoolB, SourceOf("tenant-with-header-b"));
        Assert.All(received, m => Assert.DoesNotContain("x-actormta-pool", Text(m), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(received, m => Text(m).Contains("Subject: nosuch", StringComparison.Ordinal));

        // The egress API shows how a message picks its pool.
        var egress = await _node.GetJsonAsync("/api/admin/egress/v1");
        Assert.Equal("X-ActorMta-Pool", egress.GetProperty("pool_header").GetString());
        Assert.Equal("transactional", egress.GetProperty("tenant_pools").GetProperty("billing-app").GetString());

        // The delivery log names the named pool each message left from (none for the domain's plain egress list).
        var pools = await Eventually.Returns(() => Task.FromResult(DeliveryLogPools()), p => p.Count == 4, Deadline, "four delivery log lines");
        Assert.Equal((string?)null, pools["plain@dest.test"]);
        Assert.Equal("b", pools["header-b@dest.test"]);
        Assert.Equal("transactional", pools["tenant@dest.test"]);
        Assert.Equal("b", pools["tenant-with-header-b@dest.test"]);
    }

    private Dictionary<string, string?> DeliveryLogPools()
    {
        var path = Path.Combine(_node.DataDirectory, "delivery.log");
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .ToDictionary(line => line.GetProperty("recipient").GetString()!, line => line.TryGetProperty("pool", out var pool) ? pool.GetString() : null);
    }

    private static string Text(ReceivedMessage message) => Encoding.UTF8.GetString(message.Body);

    private static MimeMessage Message(string subject, string? pool)
    {
        var message = new MimeMessage
        {
            From = { MailboxAddress.Parse("app@sender.test") },
            To = { MailboxAddress.Parse($"{subject}@dest.test") },
            Subject = subject,
            Body = new TextPart("plain") { Text = $"This is {subject}.\r\n" },
        };
        if (pool is not null) message.Headers.Add("X-ActorMta-Pool", pool);
        return message;
    }
}
