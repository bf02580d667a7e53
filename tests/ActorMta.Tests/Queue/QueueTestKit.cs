using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Journal;
using ActorMta.Serialization;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using Akka.Configuration;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>
/// An actor system with the real Akka.Persistence.Sql journal on a SQLite file in a temp
/// directory (WAL, synchronous=FULL, as the node uses it) and the real body store beside it.
/// </summary>
public abstract class QueueTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected QueueTestKit(TempDirectory directory, JournalDatabase journal)
        : base(SystemConfig(journal), "queue-test")
    {
        Directory = directory;
        Journal = journal;
        Bodies = new MessageBodyStore(journal);
        Bodies.CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <param name="busyTimeoutSeconds">How long a journal write waits on SQLite's lock before it fails.</param>
    protected QueueTestKit(int busyTimeoutSeconds = 30) : this(new TempDirectory(), busyTimeoutSeconds) { }

    private QueueTestKit(TempDirectory directory, int busyTimeoutSeconds) : this(directory, SqliteJournal(directory, busyTimeoutSeconds)) { }

    protected TempDirectory Directory { get; }
    protected JournalDatabase Journal { get; }
    protected MessageBodyStore Bodies { get; }

    public static JournalDatabase SqliteJournal(TempDirectory directory, int busyTimeoutSeconds = 30)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory.Path, "queue.db"),
            Pooling = true,
            DefaultTimeout = busyTimeoutSeconds,
        };
        var journal = new JournalDatabase(JournalSettings.Sqlite(builder.ToString(), TimeSpan.FromSeconds(5)));
        journal.PrepareAsync(CancellationToken.None).GetAwaiter().GetResult();
        return journal;
    }

    private static Config SystemConfig(JournalDatabase journal) =>
        ConfigurationFactory.ParseString(ActorMtaSerializer.Hocon + """

            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.actor.provider = local
            # The first write creates the journal tables, and every write fsyncs: on a 2-core machine busy with
            # other builds and tests that took over 10s once (A_completed_message_s_body_is_deleted). A wait, not a sleep.
            akka.test.single-expect-default = 30s
            akka.persistence.journal.sql.circuit-breaker.reset-timeout = 1s
            """).WithFallback(journal.PersistenceConfig());

    public static QueueSettings Settings(
        int partitions = 4,
        TimeSpan? maxLifetime = null,
        TimeSpan? retryInitial = null,
        TimeSpan? lease = null,
        int maxInFlightPerDomain = 100,
        int snapshotEvery = 1000,
        bool paused = false,
        TimeSpan? delayDsnAfter = null) => new(
        partitions,
        AcceptTimeout: TimeSpan.FromSeconds(10),
        MaxLifetime: maxLifetime ?? TimeSpan.FromDays(5),
        Retry: new RetrySchedule(retryInitial ?? TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), 2, 0),
        DelayDsnAfter: delayDsnAfter ?? TimeSpan.FromHours(4),
        SnapshotEvery: snapshotEvery,
        DeliveryLease: lease ?? TimeSpan.FromMinutes(10),
        MaxInFlightPerDomain: maxInFlightPerDomain,
        RecentlyCompleted: 100,
        DeliveryPaused: paused,
        IntakeSlice: TimeSpan.Zero);

    public static SmtpEnvelope Envelope(string sender, params string[] recipients) => new(
        sender,
        recipients.Select(r => new EnvelopeRecipient(r)).ToArray(),
        BodyType.Unspecified,
        SmtpUtf8: false,
        DsnReturn.Unspecified,
        EnvelopeId: null,
        new SubmittingClient("127.0.0.1", "client.example", "relay"),
        DateTimeOffset.UtcNow);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Dispose();
    }
}
