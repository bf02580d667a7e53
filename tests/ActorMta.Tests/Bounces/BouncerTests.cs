using ActorMta.Bounces;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Journal;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using MimeKit;
using static ActorMta.Tests.Bounces.DsnSamples;
using ActorMta.Contracts;

namespace ActorMta.Tests.Bounces;

/// <summary>
/// The bounce stage actor with a real body store (SQLite in a temp directory); TestKit probes
/// stand in for the queue intake and the queue's shard region.
/// </summary>
public sealed class BouncerTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDirectory _directory = new();
    private readonly TestProbe _intake;
    private readonly TestProbe _region;
    private readonly ActorRegistry _registry = new();

    public BouncerTests()
    {
        _intake = CreateTestProbe("intake");
        _region = CreateTestProbe("region");
    }

    [Fact]
    public async Task A_DSN_is_built_from_the_stored_original_queued_and_reported_to_the_partition()
    {
        var bodies = await BodyStoreAsync();
        var request = Request(DsnKind.Failure, Envelope([Recipient("a@dest.example"), Recipient("b@dest.example")]), RecipientStatus.Failed, NoSuchUser);
        await StoreAsync(bodies, request.QueueId, Original());
        var bouncer = StartBouncer(bodies);

        await EventFilter.Info(contains: $"DSN failure for {request.QueueId} queued as DSN0001 to <{Sender}>").ExpectOneAsync(async () =>
        {
            bouncer.Tell(request);
            var enqueue = _intake.ExpectMsg<QueueIntake.Enqueue>();
            Assert.True(enqueue.Envelope.HasNullReversePath);
            Assert.Equal(Sender, Assert.Single(enqueue.Envelope.Recipients).Address);
            var report = Assert.IsType<MultipartReport>(MimeMessage.Load(new MemoryStream(enqueue.Body.ToArray())).Body);
            Assert.Equal(3, report.Count);
            Assert.Equal("Quarterly report", Assert.IsType<MessagePart>(report[2]).Message?.Subject);
            _intake.Reply(new QueueIntake.Enqueued("DSN0001"));

            var enqueued = await _region.ExpectMsgAsync<DsnEnqueued>();
            Assert.Equal((request.Partition, request.QueueId, DsnKind.Failure, "DSN0001"), (enqueued.Partition, enqueued.QueueId, enqueued.Kind, enqueued.DsnQueueId));
            Assert.Equal([0, 1], enqueued.Recipients);
        });
    }

    [Fact]
    public async Task Without_the_stored_original_the_DSN_still_goes_out_without_it()
    {
        var bodies = await BodyStoreAsync();
        var bouncer = StartBouncer(bodies);
        var request = Request(DsnKind.Failure, Envelope([Recipient()], ret: DsnReturn.Full), RecipientStatus.Expired, TryLater);

        bouncer.Tell(request);
        var enqueue = _intake.ExpectMsg<QueueIntake.Enqueue>();
        var report = Assert.IsType<MultipartReport>(MimeMessage.Load(new MemoryStream(enqueue.Body.ToArray())).Body);
        Assert.Equal(2, report.Count);
        _intake.Reply(new QueueIntake.Enqueued("DSN0002"));

        Assert.Equal("DSN0002", _region.ExpectMsg<DsnEnqueued>().DsnQueueId);
    }

    [Fact]
    public async Task A_body_store_that_fails_is_reported_so_the_partition_asks_again()
    {
        // No table: every read fails, as with a database that is down.
        var bodies = await BodyStoreAsync(createTable: false);
        var bouncer = StartBouncer(bodies);
        var request = Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser);

        bouncer.Tell(request);

        var failed = _region.ExpectMsg<DsnNotEnqueued>();
        Assert.Equal((request.Partition, request.QueueId, DsnKind.Failure), (failed.Partition, failed.QueueId, failed.Kind));
        Assert.StartsWith("original message not readable", failed.Reason);
        _intake.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task An_intake_that_refuses_the_DSN_is_reported_with_its_reason()
    {
        var bouncer = StartBouncer(await BodyStoreAsync());

        bouncer.Tell(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser));
        _intake.ExpectMsg<QueueIntake.Enqueue>();
        _intake.Reply(new QueueIntake.NotEnqueued("message store unavailable: disk full"));

        var failed = _region.ExpectMsg<DsnNotEnqueued>();
        Assert.Equal("queue intake refused the DSN: message store unavailable: disk full", failed.Reason);
    }

    [Fact]
    public async Task An_intake_that_does_not_answer_is_reported_after_the_timeout()
    {
        var bouncer = StartBouncer(await BodyStoreAsync(), Settings(timeout: TimeSpan.FromSeconds(1)));

        bouncer.Tell(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser));
        _intake.ExpectMsg<QueueIntake.Enqueue>();

        var failed = _region.ExpectMsg<DsnNotEnqueued>(TimeSpan.FromSeconds(10));
        Assert.Equal("queue intake did not answer within 1s", failed.Reason);
    }

    [Fact]
    public async Task A_null_reverse_path_gets_no_DSN_but_an_answer_that_lets_the_message_complete()
    {
        var bouncer = StartBouncer(await BodyStoreAsync());
        var nullSender = Request(DsnKind.Failure, Envelope([Recipient()], sender: ""), RecipientStatus.Failed, NoSuchUser) with { QueueId = "NULLSENDER" };
        var next = Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser) with { QueueId = "NEXT" };

        bouncer.Tell(nullSender);
        var answer = _region.ExpectMsg<DsnEnqueued>();
        Assert.Equal(("NULLSENDER", ""), (answer.QueueId, answer.DsnQueueId));
        Assert.Equal([0], answer.Recipients);

        // The intake's first DSN is the next request's: none was queued for the null sender.
        bouncer.Tell(next);
        Assert.Contains("X-ActorMta-Queue-ID: NEXT", System.Text.Encoding.ASCII.GetString(_intake.ExpectMsg<QueueIntake.Enqueue>().Body.Span));
    }

    [Fact]
    public async Task At_most_max_concurrent_DSNs_are_in_the_works_the_rest_wait_their_turn()
    {
        var bouncer = StartBouncer(await BodyStoreAsync(), Settings(maxConcurrent: 1));
        var requests = new[] { "ONE", "TWO", "THREE" }.Select(id => Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser) with { QueueId = id }).ToArray();

        foreach (var request in requests) bouncer.Tell(request);
        foreach (var request in requests)
        {
            var enqueue = _intake.ExpectMsg<QueueIntake.Enqueue>();
            Assert.Contains($"X-ActorMta-Queue-ID: {request.QueueId}", System.Text.Encoding.ASCII.GetString(enqueue.Body.Span));
            var load = await bouncer.Ask<Bouncer.Load>(Bouncer.GetLoad.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(new Bouncer.Load(1, requests.Length - 1 - Array.IndexOf(requests, request)), load);
            _intake.Reply(new QueueIntake.Enqueued("DSN-" + request.QueueId));
            Assert.Equal(request.QueueId, _region.ExpectMsg<DsnEnqueued>().QueueId);
        }
    }

    [Fact]
    public async Task Beyond_max_waiting_the_partition_is_told_to_ask_again()
    {
        var bouncer = StartBouncer(await BodyStoreAsync(), Settings(maxConcurrent: 1, maxWaiting: 1));

        foreach (var id in new[] { "ONE", "TWO", "THREE" })
            bouncer.Tell(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser) with { QueueId = id });

        var busy = _region.ExpectMsg<DsnNotEnqueued>();
        Assert.Equal("THREE", busy.QueueId);
        Assert.StartsWith("bounce stage busy", busy.Reason);
        Assert.Equal(new Bouncer.Load(1, 1), await bouncer.Ask<Bouncer.Load>(Bouncer.GetLoad.Instance, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_partition_asking_again_while_its_DSN_is_in_the_works_is_not_served_twice()
    {
        var bouncer = StartBouncer(await BodyStoreAsync());
        var request = Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser);

        bouncer.Tell(request);
        bouncer.Tell(request);
        _intake.ExpectMsg<QueueIntake.Enqueue>();
        Assert.Equal(new Bouncer.Load(1, 0), await bouncer.Ask<Bouncer.Load>(Bouncer.GetLoad.Instance, TimeSpan.FromSeconds(5)));
        _intake.Reply(new QueueIntake.Enqueued("DSN0003"));
        _region.ExpectMsg<DsnEnqueued>();

        // Done, it may be asked again (the partition lost the answer): then it is served again.
        bouncer.Tell(request);
        _intake.ExpectMsg<QueueIntake.Enqueue>();
    }

    [Fact]
    public async Task Requests_that_come_before_the_queue_is_registered_wait_for_it()
    {
        var bodies = await BodyStoreAsync();
        var empty = new ActorRegistry();
        var bouncer = Sys.ActorOf(Bouncer.Props(Settings(), Builder(), bodies, empty, TimeProvider.System));

        bouncer.Tell(Request(DsnKind.Failure, Envelope([Recipient()]), RecipientStatus.Failed, NoSuchUser));
        Assert.Equal(new Bouncer.Load(0, 1), await bouncer.Ask<Bouncer.Load>(Bouncer.GetLoad.Instance, TimeSpan.FromSeconds(5)));
        empty.Register<QueueIntake>(_intake.Ref);
        empty.Register<QueueRegion>(_region.Ref);

        _intake.ExpectMsg<QueueIntake.Enqueue>();
        _intake.Reply(new QueueIntake.Enqueued("DSN0004"));
        Assert.Equal("DSN0004", _region.ExpectMsg<DsnEnqueued>().DsnQueueId);
    }

    private IActorRef StartBouncer(MessageBodyStore bodies, BounceSettings? settings = null)
    {
        _registry.Register<QueueIntake>(_intake.Ref);
        _registry.Register<QueueRegion>(_region.Ref);
        return Sys.ActorOf(Bouncer.Props(settings ?? Settings(), Builder(settings), bodies, _registry, TimeProvider.System));
    }

    private async Task<MessageBodyStore> BodyStoreAsync(bool createTable = true)
    {
        var journal = new JournalDatabase(JournalSettings.Sqlite($"Data Source={Path.Combine(_directory.Path, "journal.db")};Pooling=False", TimeSpan.FromSeconds(5)));
        await journal.PrepareAsync(CancellationToken.None);
        var bodies = new MessageBodyStore(journal);
        if (createTable) await bodies.CreateTableAsync(CancellationToken.None);
        return bodies;
    }

    private static async Task StoreAsync(MessageBodyStore bodies, string queueId, byte[] body)
    {        await bodies.StoreAsync([new StoredBody(queueId, 3, body)], DsnSamples.Now, CancellationToken.None);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _directory.Dispose();
    }
}
