using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Queue.Sharding;

/// <summary>
/// The sharded entity for one partition. A persistent actor stops when the journal fails; this
/// parent starts it again with backoff until the database is back (no node restart), and while
/// no partition is running it refuses accepts at once, so clients hear 451 without waiting.
/// </summary>
public sealed class PartitionSupervisor : ReceiveActor, IWithTimers
{
    private sealed record StartPartition
    {
        public static readonly StartPartition Instance = new();
    }

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly Props _partitionProps;
    private readonly int _partition;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _child;
    private TimeSpan _backoff = MinBackoff;
    private DateTime _startedAt;

    public ITimerScheduler Timers { get; set; } = null!;

    public PartitionSupervisor(int partition, Props partitionProps)
    {
        _partition = partition;
        _partitionProps = partitionProps;
        Receive<StartPartition>(_ => Start());
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_child)) return;
            _child = null;
            // A partition that ran for a while before failing starts over from the shortest backoff.
            if (DateTime.UtcNow - _startedAt > TimeSpan.FromSeconds(30)) _backoff = MinBackoff;
            _log.Warning("Queue partition {0} stopped (journal failure?); starting it again in {1}", _partition, _backoff);
            Timers.StartSingleTimer("start", StartPartition.Instance, _backoff);
            _backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _backoff.Ticks * 2));
        });
        ReceiveAny(message =>
        {
            if (_child is not null)
            {
                _child.Forward(message);
                return;
            }
            if (message is QueuePartition.AcceptBatch batch)
                Sender.Tell(new QueuePartition.BatchNotAccepted(batch.Messages.Select(m => m.QueueId).ToArray(),
                    $"queue partition {_partition} is restarting after a journal failure"));
            // Other messages are dropped: reports come again (lease), queries time out, Wake is moot.
        });
    }

    protected override void PreStart() => Start();

    private void Start()
    {
        _startedAt = DateTime.UtcNow;
        _child = Context.Watch(Context.ActorOf(_partitionProps, "partition"));
    }

    /// <summary>Failures inside the partition restart it (it recovers from the journal); stops are handled above.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    public static Props Props(int partition, Props partitionProps) =>
        Akka.Actor.Props.Create(() => new PartitionSupervisor(partition, partitionProps));
}
