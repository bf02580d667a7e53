using System.Diagnostics;
using System.Runtime.InteropServices;
using ActorMta.Queue.Bodies;
using ActorMta.Serialization;
using ActorMta.Queue.Sharding;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// One partition of the spool: an event-sourced actor that owns some of the queued messages,
/// records everything that happens to them, and hands their recipients to delivery when due.
/// What to do is decided by <see cref="PartitionDecider"/>; this actor batches, persists, and sends.
///
/// Group commit: commands are not persisted one by one. Everything that arrived in the mailbox
/// is handled in one turn, whose events (accepts, attempts, outcomes, completions) go to the
/// journal in one write; replies and dispatches happen after that write. While it runs, new
/// commands wait in the stash, so turns grow with load.
/// </summary>
public sealed partial class QueuePartition : ReceivePersistentActor, IWithTimers
{
    private sealed record RunTurn
    {
        public static readonly RunTurn Instance = new();
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly int _partition;
    private readonly QueueSettings _settings;
    private readonly IActorRef _delivery;
    private readonly IActorRef _bounces;
    private readonly MessageBodyStore _bodies;
    private readonly TimeProvider _clock;
    private readonly IAdminBounceLog? _deliveryLog;
    private readonly PartitionState _state;
    private readonly PartitionDecider _decider;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<PartitionCommand> _inbox = [];
    private bool _turnScheduled;
    private PartitionDecision? _persisting;
    private long _eventsSinceSnapshot;
    private DateTimeOffset? _tickAt;
    private bool _stopping;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="log">Where admin bounces of single messages are logged (the node's delivery log); null: nowhere.</param>
    /// <param name="random">Retry jitter; null: a new <see cref="Random"/>.</param>
    public QueuePartition(int partition, QueueSettings settings, IActorRef delivery, IActorRef bounces, MessageBodyStore bodies, TimeProvider clock,
        IAdminBounceLog? log = null, Random? random = null)
    {
        _partition = partition;
        _settings = settings;
        _delivery = delivery;
        _bounces = bounces;
        _bodies = bodies;
        _clock = clock;
        _deliveryLog = log;
        _state = new PartitionState { DeliveryLease = settings.DeliveryLease, RecentlyCompletedLimit = settings.RecentlyCompleted };
        _decider = new PartitionDecider(partition, settings, _state, random ?? new Random());
        PersistenceId = $"queue-partition-{partition}";

        Recover<SnapshotOffer>(offer => _state.Restore(PartitionSnapshotJson.Deserialize(((PartitionSnapshotBytes)offer.Snapshot).Json)));
        Recover<IQueueEvent>(e => _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<AcceptBatch>(Buffer);
        Command<DeliveryReport>(Buffer);
        Command<DsnEnqueued>(Buffer);
        Command<DsnNotEnqueued>(failed =>
        {
            _log.Warning("Partition {0}: {1} DSN for {2} not queued ({3}); asking again later", _partition, failed.Kind, failed.QueueId, failed.Reason);
            Buffer(failed);
        });
        Command<DomainReady>(Buffer);
        Command<RetryNow>(Buffer);
        Command<BounceMessage>(Buffer);
        Command<Tick>(_ =>
        {
            _tickAt = null;
            Buffer(Tick.Instance);
        });
        Command<RunTurn>(_ => RunTurnNow());
        Command<Wake>(_ => { });
        Command<GetMessage>(get => Sender.Tell(_decider.Describe(get.QueueId)));
        Command<GetCounts>(_ => Sender.Tell(_decider.Count()));
        ReceiveClaims();
        ReceiveHousekeeping();
    }

    private void OnRecovered()
    {
        var inFlight = _decider.Recovered();
        _log.Info("Partition {0} recovered: {1} queued message(s), last sequence number {2}", _partition, _state.Messages.Count, LastSequenceNr);
        StartSweeps();
        ResumeInFlight(inFlight);
        QueueMetrics.PartitionHolds(_partition, _state.Messages.Count);
        Buffer(Tick.Instance);
        Context.Parent.Tell(PartitionSupervisor.PartitionReady.Instance);
    }

    private void Buffer(object command)
    {
        _inbox.Add(new PartitionCommand(command, Sender));
        if (_turnScheduled) return;
        _turnScheduled = true;
        Self.Tell(RunTurn.Instance);
    }

    private void RunTurnNow()
    {
        _turnScheduled = false;
        var decision = _decider.Decide(CollectionsMarshal.AsSpan(_inbox), _clock.GetUtcNow());
        _inbox.Clear();
        if (decision.LeasesExpired > 0) QueueMetrics.LeasesExpired.Add(decision.LeasesExpired);
        if (decision.LateReports > 0) QueueMetrics.LateReports.Add(decision.LateReports);
        Commit(decision);
    }

    private void Commit(PartitionDecision decision)
    {
        if (decision.Events.Count == 0)
        {
            Carry(decision);
            FinishTurn(decision);
            return;
        }
        _persisting = decision;
        var remaining = decision.Events.Count;
        var started = Stopwatch.GetTimestamp();
        PersistAll(decision.Events, _ =>
        {
            if (--remaining > 0) return;
            _persisting = null;
            QueueMetrics.Committed(decision.Events, Stopwatch.GetElapsedTime(started));
            Carry(decision);
            FinishTurn(decision);
        });
    }

    /// <summary>The turn is durable: send what the decider decided.</summary>
    private void Carry(PartitionDecision decision)
    {
        foreach (var reply in decision.Replies) ((IActorRef)reply.To).Tell(reply.Message);
        foreach (var inQueue in decision.DeliveredAfter) QueueMetrics.Delivered(inQueue);
        if (_deliveryLog is not null)
            foreach (var line in decision.AdminBounces)
                _deliveryLog.AdminBounced(line.At, line.QueueId, line.Sender, line.Recipient, line.Domain, line.Reply, line.Attempts, line.Queued);
        foreach (var request in decision.Deliveries) _delivery.Tell(request);
        if (decision.Deliveries.Count > 0) _decider.Sent(decision, _clock.GetUtcNow());
        foreach (var request in decision.Dsns) _bounces.Tell(request);
    }

    private void FinishTurn(PartitionDecision decision)
    {
        if (decision.CompletedMessages.Count > 0) DeleteBodies(decision.CompletedMessages);
        QueueMetrics.PartitionHolds(_partition, _state.Messages.Count);
        _eventsSinceSnapshot += decision.Events.Count;
        if (_stopping)
        {
            StopIfIdle();
            return;
        }
        if (_eventsSinceSnapshot >= _settings.SnapshotEvery)
        {
            _eventsSinceSnapshot = 0;
            SaveSnapshot(new PartitionSnapshotBytes(PartitionSnapshotJson.Serialize(_state.ToSnapshot())));
        }
        ArmTimer();
    }

    /// <summary>One timer, for the earliest moment something is due (a retry, a lease, an expiry, a delay DSN).</summary>
    private void ArmTimer()
    {
        if (_decider.NextDue() is not { } due) return;
        if (_tickAt is { } armed && armed <= due) return;
        var delay = due - _clock.GetUtcNow();
        _tickAt = due;
        Timers.StartSingleTimer("tick", Tick.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTimer ? MaxTimer : delay);
    }

    private static readonly TimeSpan MaxTimer = TimeSpan.FromMinutes(1);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        FailTurn($"queue journal write failed: {cause.GetBaseException().Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailTurn($"queue journal rejected the write: {cause.GetBaseException().Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
        // The turn's events were applied in memory ahead of the write: start again from the journal.
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "Partition {0}: recovery from the journal failed: {1}", _partition, reason.GetBaseException().Message);
        FailTurn($"queue partition {_partition} could not recover from the journal");
        base.OnRecoveryFailure(reason, message);
    }

    private void FailTurn(string reason)
    {
        if (_persisting is not null)
            foreach (var refusal in _persisting.RefusalsIfNotDurable)
                ((IActorRef)refusal.To).Tell(new BatchNotAccepted(refusal.QueueIds, reason));
        _persisting = null;
        foreach (var (command, sender) in _inbox)
            if (command is AcceptBatch batch)
                ((IActorRef)sender).Tell(new BatchNotAccepted(batch.Messages.Select(m => m.QueueId).ToArray(), reason));
        _inbox.Clear();
    }

    protected override void PostStop()
    {
        QueueMetrics.PartitionGone(_partition);
        base.PostStop();
    }

    public static Props Props(int partition, QueueSettings settings, IActorRef delivery, IActorRef bounces, MessageBodyStore bodies, TimeProvider clock,
        IAdminBounceLog? log = null) =>
        Akka.Actor.Props.Create(() => new QueuePartition(partition, settings, delivery, bounces, bodies, clock, log, null));
}
