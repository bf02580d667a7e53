using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorMta.Configuration;
using ActorMta.Ingress;
using ActorMta.Ingress.Auth;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Sessions;
using ActorMta.Ingress.Tls;
using ActorMta.Queue;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorMta.Tests.Ingress.Support;

/// <summary>
/// A real <see cref="SmtpListener"/> on a loopback port, with the real settings file under the
/// test's overrides, and a <see cref="TestProbe"/> standing in for the queue's intake.
/// </summary>
public sealed class IngressTestBed : IAsyncDisposable
{
    public const string Hostname = "mx.test";
    public const string User = "alice";
    public const string Password = "correct horse battery";
    public const string OtherUser = "bob";
    public const string OtherPassword = "s3cret!";
    /// <summary>An address in 127.0.0.0/8 outside the default trusted networks (127.0.0.1/32, ::1/128).</summary>
    public static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.9");

    private static readonly string SharedDirectory = Directory.CreateTempSubdirectory("actormta-ingress-tests-").FullName;
    private static readonly Lazy<ServerCertificate> SharedCertificate = new(() =>
        ServerCertificate.Load(new TlsSettings(null, null), SharedDirectory, Hostname));
    private static readonly Lazy<string> SharedCredentials = new(() =>
    {
        var path = Path.Combine(SharedDirectory, "credentials");
        CredentialStore.AddUser(path, User, Password, PasswordHash.MinIterations);
        CredentialStore.AddUser(path, OtherUser, OtherPassword, PasswordHash.MinIterations);
        return path;
    });

    private readonly TestKitBase _kit;
    private readonly IActorRef _listener;

    /// <param name="overrides">HOCON over the defaults file, e.g. "actormta.smtp.max-recipients = 2".</param>
    /// <param name="authClock">The clock of the AUTH failure tracker (a fake one moves penalties along); default the system's.</param>
    /// <param name="spoolDirectory">Where large bodies go (the default shares one directory among all tests).</param>
    public IngressTestBed(TestKitBase kit, string overrides = "", ListenerRole role = ListenerRole.Relay, TimeSpan? acceptTimeout = null,
        TimeProvider? authClock = null, string? spoolDirectory = null)
    {
        _kit = kit;
        Settings = LoadSettings(overrides);
        if (spoolDirectory is not null) Settings = Settings with { SpoolDirectory = spoolDirectory };
        var listener = Settings.Listeners.First(l => l.Role == role) with { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(listener.EndPoint);
        socket.Listen(1024);
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        AuthFailures = new AuthFailures(Settings.Auth.MaxFailures, Settings.Auth.PenaltyTime, Settings.Auth.TrackedClients, Settings.ClientGroups,
            authClock ?? TimeProvider.System);
        Credentials = new CredentialStore(SharedCredentials.Value, Settings.Auth.NewVerificationSlots());
        Setup = new SessionSetup(Hostname, listener, Settings, new RelayPolicy(Settings.TrustedNetworks, Settings.AcceptedDomains),
            SharedCertificate.Value, Credentials, AuthFailures, acceptTimeout ?? TimeSpan.FromSeconds(10), TimeProvider.System);
        Queue = kit.CreateTestProbe("queue-intake");
        Limiter = new ConnectionLimiter(Settings.MaxConnections, Settings.MaxConnectionsPerClient, Settings.ClientGroups, Settings.ReservedForTrusted);
        TurnAway = new TurnAway(Settings.TurnAway);
        _listener = kit.Sys.ActorOf(SmtpListener.Props(Setup, socket, Limiter, TurnAway, Queue.Ref));
    }

    public IngressSettings Settings { get; }
    public SessionSetup Setup { get; }
    public IPEndPoint EndPoint { get; }
    public TestProbe Queue { get; }
    public ConnectionLimiter Limiter { get; }
    public TurnAway TurnAway { get; }
    public AuthFailures AuthFailures { get; }
    public CredentialStore Credentials { get; }
    public IActorRef Listener => _listener;

    /// <summary>The ingress settings from the real defaults file, the tests' baseline (no pre-greeting wait), then <paramref name="overrides"/>.</summary>
    public static IngressSettings LoadSettings(string overrides = "")
    {
        var config = ConfigurationFactory.ParseString(overrides)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                actormta.smtp.listeners.relay.pregreet-wait = 0s
                actormta.smtp.auth.credentials-file = {{Hocon.Quote(SharedCredentials.Value)}}
                actormta.smtp.auth.failure-delay = 1s
                """))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Repository.DefaultsFile)));
        var reader = new SettingsReader(config);
        return IngressSettings.From(reader, NodeSettings.From(reader) with { Hostname = Hostname, DataDirectory = SharedDirectory });
    }

    public Task<WireClient> ConnectAsync(IPAddress? from = null) => WireClient.ConnectAsync(EndPoint, from);

    public Task<WireClient> GreetedAsync(IPAddress? from = null) => WireClient.GreetedAsync(EndPoint, from);

    /// <summary>A greeted client that said EHLO.</summary>
    public async Task<WireClient> HelloAsync(IPAddress? from = null)
    {
        var client = await GreetedAsync(from);
        Assert.StartsWith("250-" + Hostname, await client.CommandAsync("EHLO client.test"));
        return client;
    }

    /// <summary>A client under TLS, authenticated as <see cref="User"/>.</summary>
    public async Task<WireClient> AuthenticatedAsync(IPAddress? from = null)
    {
        var client = await GreetedAsync(from);
        await client.SecureAsync();
        Assert.StartsWith("235 2.7.0", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
        return client;
    }

    /// <summary>MAIL, RCPT for each recipient, DATA, the message and its dot; returns after the 354 and the message are sent.</summary>
    public static async Task SendMessageAsync(WireClient client, string from, IReadOnlyList<string> to, string message)
    {
        Assert.StartsWith("250 2.1.0", await client.CommandAsync($"MAIL FROM:<{from}>"));
        foreach (var recipient in to) Assert.StartsWith("250 2.1.5", await client.CommandAsync($"RCPT TO:<{recipient}>"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"));
        await client.SendAsync(message + ".\r\n");
    }

    public async Task<QueueIntake.Enqueue> ExpectEnqueueAsync() =>
        await Queue.ExpectMsgAsync<QueueIntake.Enqueue>(TimeSpan.FromSeconds(10));

    /// <summary>The intake's answer to the last Enqueue: durable, with this queue id.</summary>
    public void Enqueued(string queueId) => Queue.Reply(new QueueIntake.Enqueued(queueId));

    /// <summary>
    /// Asserts the queue heard nothing. Call it after the session's reply to the end of data: a session
    /// hands a message to the queue before it can answer, so by then an Enqueue would be in the probe.
    /// </summary>
    public void ExpectNothingQueued() => Assert.False(Queue.HasMessages, "the session handed a message to the queue");

    public static string PlainResponse(string user, string password, string authorize = "") =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{authorize}\0{user}\0{password}"));

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string Text(QueueIntake.Enqueue enqueue) => Encoding.UTF8.GetString(enqueue.Body.Span);

    /// <summary>The message as the client sent it: the body without the Received header the session added.</summary>
    public static string Content(QueueIntake.Enqueue enqueue)
    {
        var text = Text(enqueue);
        Assert.StartsWith("Received: from ", text);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        while (end >= 0 && end + 2 < text.Length && text[end + 2] == '\t') end = text.IndexOf("\r\n", end + 2, StringComparison.Ordinal);
        return text[(end + 2)..];
    }

    public ValueTask DisposeAsync()
    {
        _kit.Sys.Stop(_listener);
        return ValueTask.CompletedTask;
    }
}
