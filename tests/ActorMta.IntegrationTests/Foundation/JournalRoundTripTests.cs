using ActorMta.Host;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Persistence;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>A persistent actor's events go through the configured journal and come back after a restart.</summary>
public sealed class JournalRoundTripTests
{
    [Fact]
    public async Task Sqlite_journal_keeps_events_across_a_node_restart()
    {
        using var data = new TempDirectory();
        await RoundTrip(TestNode.IsolatedEnvironment(data.Path));
    }

    [Fact]
    public async Task PostgreSql_journal_keeps_events_across_a_node_restart()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql";
        environment["ACTORMTA_JOURNAL_CONNECTION_STRING"] = await PostgresServer.CreateDatabaseAsync();
        await RoundTrip(environment);
        Assert.False(File.Exists(Path.Combine(data.Path, "actormta.db")), "PostgreSQL must not fall back to a SQLite file");
    }

    private static async Task RoundTrip(Dictionary<string, string> environment)
    {
        var id = "round-trip-" + Guid.NewGuid().ToString("N");
        await using (var first = await TestNode.StartAsync(environment))
        {
            var recorder = first.System.ActorOf(Props.Create(() => new Recorder(id)));
            Assert.Equal(["first"], await recorder.Ask<string[]>(new Recorder.Record("first"), TimeSpan.FromSeconds(30)));
            Assert.Equal(["first", "second"], await recorder.Ask<string[]>(new Recorder.Record("second"), TimeSpan.FromSeconds(30)));
            await first.StopAsync();
        }

        await using var second = await TestNode.StartAsync(environment);
        var recovered = second.System.ActorOf(Props.Create(() => new Recorder(id)));
        Assert.Equal(["first", "second"], await recovered.Ask<string[]>(Recorder.Read.Instance, TimeSpan.FromSeconds(30)));
    }

    private sealed class Recorder : ReceivePersistentActor
    {
        public sealed record Record(string Text);
        public sealed record Read { public static readonly Read Instance = new(); }
        public sealed record Recorded(string Text);

        private readonly List<string> _texts = [];

        public override string PersistenceId { get; }

        public Recorder(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<Recorded>(e => _texts.Add(e.Text));
            Command<Record>(c => Persist(new Recorded(c.Text), e =>
            {
                _texts.Add(e.Text);
                Sender.Tell(_texts.ToArray());
            }));
            Command<Read>(_ => Sender.Tell(_texts.ToArray()));
        }
    }
}
