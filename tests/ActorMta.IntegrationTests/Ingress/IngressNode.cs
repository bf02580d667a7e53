using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorMta.Host;
using ActorMta.Ingress.Auth;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.Queue.Bodies;
using ActorMta.TestSupport;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>
/// A real in-process node with all three listeners on free loopback ports, one AUTH user, one
/// accepted domain and delivery paused (mail stays queued to be looked at). Shared by a test class.
/// </summary>
public sealed class IngressNode : IAsyncLifetime
{
    public const string User = "submitter";
    public const string Password = "a long pass phrase";
    public const string AcceptedDomain = "accepted.example";
    public static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.9");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    private readonly TempDirectory _data = new();
    private ActorMtaNode? _node;

    public ActorMtaNode Node => _node ?? throw new InvalidOperationException("not started");
    public IPEndPoint Relay => Node.SmtpEndPoints["relay"];
    public IPEndPoint Submission => Node.SmtpEndPoints["submission"];
    public IPEndPoint Smtps => Node.SmtpEndPoints["smtps"];

    public static Dictionary<string, string> Environment(string dataDirectory)
    {
        var environment = TestNode.IsolatedEnvironment(dataDirectory);
        environment["ACTORMTA_ACCEPTED_DOMAINS"] = AcceptedDomain;
        environment["ACTORMTA_DELIVERY_PAUSED"] = "on";
        environment["ACTORMTA_HOSTNAME"] = "mx.node.test";
        return environment;
    }

    public async Task InitializeAsync()
    {
        CredentialStore.AddUser(Path.Combine(_data.Path, "credentials"), User, Password, PasswordHash.MinIterations);
        _node = await TestNode.StartAsync(Environment(_data.Path));
    }

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>A MailKit client that accepts the node's self-signed certificate.</summary>
    public static SmtpClient MailKit() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };

    public static MimeMessage Message(string subject, string to = "rcpt@example.org", string from = "sender@example.com") => new()
    {
        From = { MailboxAddress.Parse(from) },
        To = { MailboxAddress.Parse(to) },
        Subject = subject,
        Body = new TextPart("plain") { Text = $"This is {subject}.\r\n.a line with a leading dot\r\n" },
    };

    /// <summary>The queue id from MailKit's last reply text ("2.0.0 Ok: queued as ID").</summary>
    public static string QueueIdOf(string response)
    {
        var match = System.Text.RegularExpressions.Regex.Match(response, "queued as ([0-9A-Z]{18})$");
        Assert.True(match.Success, $"no queue id in '{response}'");
        return match.Groups[1].Value;
    }

    /// <summary>The queue API's view of one message (GET /queue/messages/{id}).</summary>
    public async Task<JsonElement> QueuedMessageAsync(string queueId)
    {
        var response = await Http.GetAsync(new Uri(Node.ManagementUri, $"/queue/messages/{queueId}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The stored body (trace header and message) of a queued message.</summary>
    public async Task<string> BodyAsync(string queueId)
    {
        var body = await Node.Services.GetRequiredService<MessageBodyStore>().ReadAsync(queueId, CancellationToken.None);
        Assert.NotNull(body);
        return System.Text.Encoding.UTF8.GetString(body);
    }

    public static async Task ConnectAsync(SmtpClient client, IPEndPoint endPoint, SecureSocketOptions security)
    {
        await client.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, security);
    }

    /// <summary>A MailKit client connected to <paramref name="endPoint"/>, under TLS, authenticated as <see cref="User"/>.</summary>
    public static async Task<SmtpClient> SubmitterAsync(IPEndPoint endPoint, SecureSocketOptions security)
    {
        var client = MailKit();
        await ConnectAsync(client, endPoint, security);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(User, Password);
        return client;
    }
}
