using System.Collections;
using System.Text;
using ActorMta.Configuration;
using ActorMta.Delivery;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Log;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Journal;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// Real parts for delivery tests: settings read from the real defaults file plus the test's own
/// HOCON, a SQLite body store in a temp directory, a loopback DNS server the resolver asks, and
/// a delivery log writing to a file there.
/// </summary>
internal sealed class DeliveryTestBed : IAsyncDisposable
{
    private int _dispatches;

    private DeliveryTestBed(ActorMtaSettings settings, MessageBodyStore bodies, LoopbackDnsServer dns, DeliveryLog log)
    {
        Settings = settings;
        Bodies = bodies;
        Dns = dns;
        Log = log;
    }

    public ActorMtaSettings Settings { get; }
    public MessageBodyStore Bodies { get; }
    public LoopbackDnsServer Dns { get; }
    public DeliveryLog Log { get; }
    public string DataDirectory => Settings.Node.DataDirectory;
    public string LogFile => Settings.Delivery.Log.File!;

    /// <summary>Settings from the defaults, the test's HOCON and environment; DNS asks the loopback server only.</summary>
    public static ActorMtaSettings ReadSettings(string hocon, string dataDirectory, IDictionary<string, string>? environment = null, LoopbackDnsServer? dns = null)
    {
        var file = Path.Combine(dataDirectory, "test.conf");
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(file, hocon);
        var variables = new Hashtable { ["ACTORMTA_DATA_DIR"] = dataDirectory };
        if (dns is not null) variables["ACTORMTA_DNS_SERVERS"] = dns.EndPoint.ToString();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) variables[name] = value;
        return ActorMtaSettings.From(ActorMtaConfig.Load(file, variables, Repository.DefaultsFile));
    }

    public static async Task<DeliveryTestBed> StartAsync(string hocon = "")
    {
        var dns = LoopbackDnsServer.Start();
        var directory = Path.Combine(Path.GetTempPath(), "actormta-delivery-" + Guid.NewGuid().ToString("N"));
        // Retries off and short timeouts: a missing answer fails fast instead of stalling a test.
        var settings = ReadSettings("actormta.delivery.dns { retries = 0, query-timeout = 2s }\n" + hocon, directory, dns: dns);
        var journal = new JournalDatabase(settings.Journal);
        await journal.PrepareAsync(CancellationToken.None);
        var bodies = new MessageBodyStore(journal);
        await bodies.CreateTableAsync(CancellationToken.None);
        return new DeliveryTestBed(settings, bodies, dns, new DeliveryLog(settings.Delivery.Log, null));
    }

    /// <summary>The context a node would build; its own SMTP listeners are the configured ones (actormta.smtp.listeners).</summary>
    public DeliveryContext Context() =>
        new(Settings.Delivery, Bodies, new MailExchangerResolver(Settings.Delivery.Dns), Log, TimeProvider.System,
            OwnListeners: [.. Settings.Ingress.Listeners.Select(l => l.EndPoint)]);

    /// <summary>Stores a body and returns a request for it, as a partition would send it.</summary>
    public async Task<DeliveryRequest> QueueAsync(string domain, byte[] body, string reversePath = "sender@origin.test", DateTimeOffset? expiresAt = null, params string[] localParts)
    {
        var number = Interlocked.Increment(ref _dispatches);
        var queueId = $"T{number:D6}{Guid.NewGuid():N}"[..24];
        await Bodies.StoreAsync([new StoredBody(queueId, 0, body)], DateTimeOffset.UtcNow, CancellationToken.None);
        var recipients = (localParts.Length == 0 ? ["rcpt"] : localParts)
            .Select((local, i) => new DeliveryRecipient(i, $"{local}@{domain}", DsnNotify.Unspecified, null, 1))
            .ToArray();
        var now = DateTimeOffset.UtcNow;
        return new DeliveryRequest(domain, 0, queueId, number, reversePath, recipients, BodyType.Unspecified, false, body.Length, now, expiresAt ?? now.AddDays(1));
    }

    public static byte[] Body(string subject, string text = "Hello.\r\n") =>
        Encoding.UTF8.GetBytes($"From: sender@origin.test\r\nTo: rcpt@example.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@origin.test>\r\n\r\n{text}");

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        Dns.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* the OS cleans /tmp */ }
    }
}
