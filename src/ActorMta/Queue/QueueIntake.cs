using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using ActorMta.Contracts;
using ActorMta.Dkim;

namespace ActorMta.Queue;

/// <summary>
/// Where sessions hand in accepted messages (one per node). It names each message (queue id),
/// writes the bodies of everything that arrived meanwhile in one transaction, then hands the
/// envelopes of that batch to one queue partition, which makes them durable in one journal
/// write. Only then does the session hear <see cref="Enqueued"/> and answer 250.
///
/// The intake feeds one partition for a short slice of time, then the next: the batches that
/// arrive while that partition writes wait in its mailbox and go to the journal together, so a
/// write carries many messages; over the slices every partition gets its share.
///
/// It feeds the partitions its own node hosts when there are any (asked of the shard region every
/// second): a partition on another node may be on one that just died, and a batch sent there is
/// lost until that node is downed, so its clients would hear 451 from a node that is fine. Accepts
/// also stay off the network.
/// </summary>
public sealed partial class QueueIntake : ReceiveActor, IWithTimers
{
    /// <param name="Body">The message as it will be relayed: the trace header the session added, then the data.</param>
    /// <param name="Spooled">Instead of <paramref name="Body"/>, a large message in a spool file, which the intake owns from here on (the body writer deletes it).</param>
    public sealed record Enqueue(SmtpEnvelope Envelope, ReadOnlyMemory<byte> Body, SpooledBody? Spooled = null);

    public sealed record Enqueued(string QueueId);

    public sealed record NotEnqueued(string Reason);

    private sealed record Arrived(SmtpEnvelope Envelope, ReadOnlyMemory<byte> Body, SpooledBody? Spooled, IActorRef ReplyTo, DateTimeOffset Deadline)
    {
        public long Size => Spooled?.Length ?? Body.Length;
    }

    private sealed record Pending(string QueueId, Arrived Message)
    {
        public IActorRef ReplyTo => Message.ReplyTo;
    }

    private sealed record BodiesStored(int Partition, IReadOnlyList<Pending> Batch);

    private sealed record BodiesNotStored(IReadOnlyList<Pending> Batch, string Reason);

    private sealed record ExpireWaiting
    {
        public static readonly ExpireWaiting Instance = new();
    }

    private sealed record FindLocalPartitions
    {
        public static readonly FindLocalPartitions Instance = new();
    }

    private readonly QueueSettings _settings;
    private readonly MessageBodyStore _bodies;
    private readonly IActorRef _partitions;
    private readonly TimeProvider _clock;
    /// <summary>Taken off the time left a partition is given, for the trip there: it must stop accepting before this intake answers 451.</summary>
    private readonly TimeSpan _transitMargin;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<Arrived> _arrived = [];
    /// <summary>Messages whose envelope is with a partition, by queue id, until it answers.</summary>
    private readonly Dictionary<string, Pending> _awaitingPartition = new(StringComparer.Ordinal);
    private bool _writing;
    private int _nextPartition;
    /// <summary>The partitions running on this node, ascending (empty: feed them all).</summary>
    private int[] _localPartitions = [];
    private DateTimeOffset _sliceEnds;

    public ITimerScheduler Timers { get; set; } = null!;

    public QueueIntake(QueueSettings settings, MessageBodyStore bodies, IActorRef partitions, TimeProvider clock, DkimMessageSigner? signer = null)
    {
        _settings = settings;
        _signer = signer;
        _bodies = bodies;
        _partitions = partitions;
        _clock = clock;
        _transitMargin = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, settings.AcceptTimeout.Ticks / 10));
        _nextPartition = Random.Shared.Next(settings.Partitions);

        Receive<Enqueue>(enqueue =>
        {
            var arrived = new Arrived(enqueue.Envelope, enqueue.Body, enqueue.Spooled, Sender, _clock.GetUtcNow() + _settings.AcceptTimeout);
            if (_signer is { Enabled: true }) SignThenStore(arrived, _signer);
            else Store(arrived);
        });
        Receive<Arrived>(Store);
        Receive<BodiesStored>(stored =>
        {
            _writing = false;
            foreach (var pending in stored.Batch) _awaitingPartition[pending.QueueId] = pending;
            var now = _clock.GetUtcNow();
            _partitions.Tell(new QueuePartition.AcceptBatch(stored.Partition,
                stored.Batch.Select(p => new QueuePartition.AcceptedEnvelope(p.QueueId, p.Message.Envelope, p.Message.Size, p.Message.Deadline - now - _transitMargin)).ToArray()));
            if (_arrived.Count > 0) StoreArrived();
        });
        Receive<BodiesNotStored>(failed =>
        {
            _writing = false;
            foreach (var pending in failed.Batch) pending.ReplyTo.Tell(new NotEnqueued(failed.Reason));
            if (_arrived.Count > 0) StoreArrived();
        });
        Receive<QueuePartition.BatchAccepted>(accepted =>
        {
            foreach (var queueId in accepted.QueueIds)
                if (_awaitingPartition.Remove(queueId, out var pending))
                    pending.ReplyTo.Tell(new Enqueued(queueId));
        });
        Receive<QueuePartition.BatchNotAccepted>(refused =>
        {
            foreach (var queueId in refused.QueueIds)
                if (_awaitingPartition.Remove(queueId, out var pending))
                    pending.ReplyTo.Tell(new NotEnqueued(refused.Reason));
        });
        Receive<FindLocalPartitions>(_ => _partitions.Tell(GetShardRegionState.Instance));
        Receive<CurrentShardRegionState>(state => _localPartitions = LocalPartitions(state, settings.Partitions));
        Receive<ExpireWaiting>(_ =>
        {
            var now = _clock.GetUtcNow();
            foreach (var pending in _awaitingPartition.Values.Where(p => p.Message.Deadline <= now).ToArray())
            {
                _awaitingPartition.Remove(pending.QueueId);
                pending.ReplyTo.Tell(new NotEnqueued($"queue partition did not confirm within {_settings.AcceptTimeout.TotalSeconds:0}s"));
            }
        });
    }

    private void Store(Arrived arrived)
    {
        _arrived.Add(arrived);
        if (!_writing) StoreArrived();
    }

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("expire", ExpireWaiting.Instance, TimeSpan.FromMilliseconds(500));
        Timers.StartPeriodicTimer("local-partitions", FindLocalPartitions.Instance, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    private static int[] LocalPartitions(CurrentShardRegionState state, int partitions) =>
        [.. state.Shards.SelectMany(shard => shard.EntityIds)
            .Select(id => int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var partition) ? partition : -1)
            .Where(partition => partition >= 0 && partition < partitions)
            .Distinct()
            .Order()];

    /// <summary>The partition after <paramref name="current"/>: among this node's own if it hosts any, else among all.</summary>
    private int NextPartition(int current)
    {
        if (_localPartitions.Length == 0) return (current + 1) % _settings.Partitions;
        foreach (var partition in _localPartitions)
            if (partition > current) return partition;
        return _localPartitions[0];
    }

    /// <summary>All messages that arrived while the last write ran go together, to one partition.</summary>
    private void StoreArrived()
    {
        var now = _clock.GetUtcNow();
        if (now >= _sliceEnds)
        {
            _nextPartition = NextPartition(_nextPartition);
            _sliceEnds = now + _settings.IntakeSlice;
        }
        var partition = _nextPartition;
        var batch = _arrived.Select(a => new Pending(QueueId.New(partition, now), a)).ToArray();
        _arrived.Clear();
        _writing = true;
        StoreAsync(batch, partition).PipeTo(Self,
            success: () => new BodiesStored(partition, batch),
            failure: e =>
            {
                _log.Warning(e, "Message bodies not stored; {0} client(s) get 451", batch.Length);
                return new BodiesNotStored(batch, $"message store unavailable: {e.GetBaseException().Message}");
            });
    }

    private async Task StoreAsync(IReadOnlyList<Pending> batch, int partition)
    {
        using var timeout = new CancellationTokenSource(_settings.AcceptTimeout);
        await _bodies.StoreAsync(batch.Select(p => new StoredBody(p.QueueId, partition, p.Message.Body, p.Message.Spooled)).ToArray(), _clock.GetUtcNow(), timeout.Token);
    }

    public static Props Props(QueueSettings settings, MessageBodyStore bodies, IActorRef partitions, TimeProvider clock, DkimMessageSigner? signer = null) =>
        Akka.Actor.Props.Create(() => new QueueIntake(settings, bodies, partitions, clock, signer));
}
