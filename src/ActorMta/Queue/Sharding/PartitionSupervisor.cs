using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorMta.Queue.Sharding;

/// <summary>
/// The sharded entity for one partition. A persistent actor stops when the journal fails; this
/// parent starts it again with backoff until the database is back (no node restart).
///
/// Accepts pass through here so that none goes unanswered: while the partition recovers they
/// wait; once it is ready they go in; if it stops before answering, every one it held is refused
/// at once (the client hears 451, never silence and never a 250 for an unwritten message).
/// </summary>
public sealed class PartitionSupervisor : ReceiveActor, IWithTimers
{
    /// <summary>From the partition: recovered, taking commands.</summary>
    public sealed record PartitionReady
    {
        public static readonly PartitionReady Instance = new();
    }

    /// <summary>Sharding's hand-off stop message: the partition finishes its turn (replies, dispatches), then both stop.</summary>
    public sealed record HandOff
    {
        public static readonly HandOff Instance = new();
    }

    private sealed record StartPartition
    {
        public static readonly StartPartition Instance = new();
    }

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private const int MaxWaitingMessages = 20_000;

    private readonly Props _partitionProps;
    private readonly int _partition;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    /// <summary>Accepts given to the partition and not yet answered: queue id → the intake to answer, and the envelope.</summary>
    private readonly Dictionary<string, (IActorRef Intake, QueuePartition.AcceptedEnvelope Envelope)> _unanswered = new(StringComparer.Ordinal);
    /// <summary>Accepts that arrived while the partition was recovering.</summary>
    private readonly List<(QueuePartition.AcceptBatch Batch, IActorRef Intake)> _waiting = [];
    private IActorRef? _child;
    private bool _ready;
    private TimeSpan _backoff = MinBackoff;
    private DateTime _startedAt;
    private bool _handingOff;

    public ITimerScheduler Timers { get; set; } = null!;

    public PartitionSupervisor(int partition, Props partitionProps, TimeProvider clock)
    {
        _partition = partition;
        _clock = clock;
        _partitionProps = partitionProps;
        Receive<StartPartition>(_ => Start());
        Receive<HandOff>(_ =>
        {
            _handingOff = true;
            if (_child is null) Context.Stop(Self);
            else _child.Tell(QueuePartition.Stop.Instance);
        });
        Receive<PartitionReady>(_ =>
        {
            _ready = true;
            foreach (var (batch, intake) in _waiting) PassOn(batch, intake);
            _waiting.Clear();
        });
        Receive<QueuePartition.AcceptBatch>(batch =>
        {
            // Deadlines on this node's clock, from the time left the intake sent: clock skew between nodes cannot move them.
            batch = batch.Received(_clock.GetUtcNow());
            if (_handingOff) PassBack(batch.Messages.Select(m => (Sender, m)));
            else if (_child is null) Refuse(batch, Sender, $"queue partition {_partition} is restarting after a journal failure");
            else if (_ready) PassOn(batch, Sender);
            else if (_waiting.Sum(w => w.Batch.Messages.Count) + batch.Messages.Count > MaxWaitingMessages) Refuse(batch, Sender, $"queue partition {_partition} is still recovering");
            else _waiting.Add((batch, Sender));
        });
        Receive<QueuePartition.BatchAccepted>(accepted => Answer(accepted.QueueIds, ids => new QueuePartition.BatchAccepted(ids)));
        Receive<QueuePartition.BatchNotAccepted>(refused => Answer(refused.QueueIds, ids => new QueuePartition.BatchNotAccepted(ids, refused.Reason)));
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_child)) return;
            _child = null;
            _ready = false;
            if (_handingOff)
            {
                // After its last turn the partition answered all it took: what is left it never saw.
                PassBack([.. _unanswered.Values, .. _waiting.SelectMany(w => w.Batch.Messages.Select(m => (w.Intake, m)))]);
                _unanswered.Clear();
                _waiting.Clear();
                Context.Stop(Self);
                return;
            }
            RefuseEverythingHeld($"queue partition {_partition} stopped before recording the message (journal failure)");
            // A partition that ran for a while before failing starts over from the shortest backoff.
            if (DateTime.UtcNow - _startedAt > TimeSpan.FromSeconds(30)) _backoff = MinBackoff;
            _log.Warning("Queue partition {0} stopped (journal failure?); starting it again in {1}", _partition, _backoff);
            Timers.StartSingleTimer("start", StartPartition.Instance, _backoff);
            _backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _backoff.Ticks * 2));
        });
        // Reports, queries, DSN answers: the partition stashes them while it recovers. If it stops,
        // they are lost and come again (leases, retries); queries time out.
        ReceiveAny(message => _child?.Forward(message));
    }

    protected override void PreStart() => Start();

    /// <summary>Stopped with the node (or by a hand-off that ran out of time): nothing held may stay unanswered.</summary>
    protected override void PostStop() => RefuseEverythingHeld($"queue partition {_partition} stopped");

    private void Start()
    {
        _startedAt = DateTime.UtcNow;
        _ready = false;
        _child = Context.Watch(Context.ActorOf(_partitionProps, "partition"));
    }

    private void PassOn(QueuePartition.AcceptBatch batch, IActorRef intake)
    {
        foreach (var message in batch.Messages) _unanswered[message.QueueId] = (intake, message);
        _child!.Tell(batch, Self);
    }

    private void Answer(IReadOnlyList<string> queueIds, Func<IReadOnlyList<string>, object> answer)
    {
        var byIntake = new Dictionary<IActorRef, List<string>>();
        foreach (var queueId in queueIds)
        {
            if (!_unanswered.Remove(queueId, out var held)) continue;
            var intake = held.Intake;
            if (!byIntake.TryGetValue(intake, out var ids)) byIntake[intake] = ids = [];
            ids.Add(queueId);
        }
        foreach (var (intake, ids) in byIntake) intake.Tell(answer(ids));
    }

    private void RefuseEverythingHeld(string reason)
    {
        foreach (var group in _unanswered.GroupBy(u => u.Value.Intake, u => u.Key))
            group.Key.Tell(new QueuePartition.BatchNotAccepted(group.ToArray(), reason));
        _unanswered.Clear();
        foreach (var (batch, intake) in _waiting) Refuse(batch, intake, reason);
        _waiting.Clear();
    }

    /// <summary>
    /// Accepts that reach a partition while it moves go back through the shard region, which holds
    /// them until the partition runs on its next node (its clients hear 250 from there, not 451),
    /// each with the time it has left.
    /// </summary>
    private void PassBack(IEnumerable<(IActorRef Intake, QueuePartition.AcceptedEnvelope Envelope)> accepts)
    {
        var now = _clock.GetUtcNow();
        var region = ClusterSharding.Get(Context.System).ShardRegion(QueueStage.RegionName);
        foreach (var group in accepts.GroupBy(a => a.Intake, a => a.Envelope))
        {
            var late = group.Where(e => e.Deadline <= now).Select(e => e.QueueId).ToArray();
            if (late.Length > 0) group.Key.Tell(new QueuePartition.BatchNotAccepted(late, "accept deadline passed while the queue partition was moving"));
            var onTime = group.Where(e => e.Deadline > now).Select(e => e with { TimeLeft = e.Deadline - now }).ToArray();
            if (onTime.Length > 0) region.Tell(new QueuePartition.AcceptBatch(_partition, onTime), group.Key);
        }
    }

    private static void Refuse(QueuePartition.AcceptBatch batch, IActorRef intake, string reason) =>
        intake.Tell(new QueuePartition.BatchNotAccepted(batch.Messages.Select(m => m.QueueId).ToArray(), reason));

    /// <summary>
    /// A failing partition is stopped, never restarted in place: the restart goes through the
    /// backoff above, and whatever it held is refused rather than left unanswered.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(int partition, Props partitionProps, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new PartitionSupervisor(partition, partitionProps, clock));
}
