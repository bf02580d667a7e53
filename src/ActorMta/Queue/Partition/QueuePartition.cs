using System.Diagnostics;
using ActorMta.Bounces;
using ActorMta.Delivery;
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

    private sealed record SweepBodies
    {
        public static readonly SweepBodies Instance = new();
    }

    private sealed record BodiesSwept(int Deleted);

    private readonly int _partition;
    private readonly QueueSettings _settings;
    private readonly IActorRef _delivery;
    private readonly IActorRef _bounces;
    private readonly MessageBodyStore _bodies;
    private readonly TimeProvider _clock;
    private readonly IAdminBounceLog? _deliveryLog;
    private readonly PartitionState _state;
    private readonly DispatchBook _dispatches;
    private readonly DeliveryClaims _claims = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(object Command, IActorRef Sender)> _inbox = [];
    /// <summary>DSNs asked for and not yet answered, with when they were asked (not persisted: asked again after a restart).</summary>
    private readonly Dictionary<(string QueueId, DsnKind Kind), DateTimeOffset> _dsnRequested = [];
    private readonly Random _random = new();
    private bool _turnScheduled;
    private Turn? _persisting;
    private long _eventsSinceSnapshot;
    private DateTimeOffset? _tickAt;
    private bool _stopping;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="log">Where admin bounces of single messages are logged (the node's delivery log); null: nowhere.</param>
    public QueuePartition(int partition, QueueSettings settings, IActorRef delivery, IActorRef bounces, MessageBodyStore bodies, TimeProvider clock,
        IAdminBounceLog? log = null)
    {
        _partition = partition;
        _settings = settings;
        _delivery = delivery;
        _bounces = bounces;
        _bodies = bodies;
        _clock = clock;
        _deliveryLog = log;
        _state = new PartitionState { DeliveryLease = settings.DeliveryLease, RecentlyCompletedLimit = settings.RecentlyCompleted };
        _dispatches = new DispatchBook(_state);
        PersistenceId = $"queue-partition-{partition}";

        Recover<SnapshotOffer>(offer => _state.Restore(PartitionSnapshotJson.Deserialize(((PartitionSnapshotBytes)offer.Snapshot).Json)));
        Recover<IQueueEvent>(e => _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<AcceptBatch>(Buffer);
        Command<DeliveryReport>(Buffer);
        Command<DsnEnqueued>(Buffer);
        Command<DsnNotEnqueued>(Buffer);
        Command<DomainReady>(Buffer);
        Command<RetryNow>(Buffer);
        Command<BounceMessage>(Buffer);
        Command<DeliveryClaimed>(OnClaimed);
        Command<Terminated>(OnHolderLost);
        Command<ResendDue>(_ => ResendUnclaimed());
        Command<Stop>(_ =>
        {
            _stopping = true;
            StopIfIdle();
        });
        Command<Tick>(_ =>
        {
            _tickAt = null;
            Buffer(Tick.Instance);
        });
        Command<RunTurn>(_ => RunTurnNow());
        Command<Wake>(_ => { });
        Command<GetMessage>(get => Sender.Tell(Describe(get.QueueId)));
        Command<GetCounts>(_ => Sender.Tell(Count()));
        Command<SweepBodies>(_ => StartSweep());
        Command<BodiesSwept>(swept =>
        {
            if (swept.Deleted > 0) _log.Info("Partition {0}: deleted {1} orphaned message bodies", _partition, swept.Deleted);
        });
        Command<Status.Failure>(failure => _log.Warning(failure.Cause, "Partition {0}: body store housekeeping failed", _partition));
        Command<SaveSnapshotSuccess>(saved =>
        {
            // Everything before the snapshot is in it: trim the journal and older snapshots so disk use stops growing.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "Partition {0}: snapshot not saved", _partition));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "Partition {0}: journal not trimmed", _partition));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Partition {0}: old snapshots not deleted", _partition));
    }

    private void OnRecovered()
    {
        _dispatches.Rebuild();
        _log.Info("Partition {0} recovered: {1} queued message(s), last sequence number {2}", _partition, _state.Messages.Count, LastSequenceNr);
        // Bodies older than any accept still in flight and not held here are orphans.
        Timers.StartSingleTimer("sweep-after-recovery", SweepBodies.Instance, _settings.AcceptTimeout * 2 + TimeSpan.FromSeconds(5));
        Timers.StartPeriodicTimer("sweep", SweepBodies.Instance, TimeSpan.FromHours(1));
        ResumeInFlight();
        QueueMetrics.PartitionHolds(_partition, _state.Messages.Count);
        Buffer(Tick.Instance);
        Context.Parent.Tell(PartitionSupervisor.PartitionReady.Instance);
    }

    private void Buffer(object command)
    {
        _inbox.Add((command, Sender));
        if (_turnScheduled) return;
        _turnScheduled = true;
        Self.Tell(RunTurn.Instance);
    }

    private void RunTurnNow()
    {
        _turnScheduled = false;
        var turn = new Turn(_clock.GetUtcNow(), _state);
        foreach (var (command, sender) in _inbox) Handle(command, sender, turn);
        _inbox.Clear();
        Schedule(turn);
        Commit(turn);
    }

    private void Handle(object command, IActorRef sender, Turn turn)
    {
        switch (command)
        {
            case AcceptBatch batch:
                HandleAccept(batch, sender, turn);
                break;
            case DeliveryReport report:
                HandleReport(report, turn);
                break;
            case DsnEnqueued dsn when _state.Messages.ContainsKey(dsn.QueueId):
                _dsnRequested.Remove((dsn.QueueId, dsn.Kind));
                turn.Emit(new DsnQueued(dsn.QueueId, dsn.Kind, dsn.Recipients, dsn.DsnQueueId, turn.Now));
                turn.Touch(dsn.QueueId);
                break;
            case DomainReady ready:
                TouchWaiting(ready.Domain, turn);
                break;
            case RetryNow retry:
                RetryWaiting(retry.QueueId, turn);
                turn.AfterCommit(() => sender.Tell(Describe(retry.QueueId)));
                break;
            case BounceMessage bounce:
                BounceWaiting(bounce, sender, turn);
                break;
            case DsnNotEnqueued failed:
                _dsnRequested.Remove((failed.QueueId, failed.Kind));
                _log.Warning("Partition {0}: {1} DSN for {2} not queued ({3}); asking again later", _partition, failed.Kind, failed.QueueId, failed.Reason);
                _dispatches.DueAt(failed.QueueId, turn.Now + TimeSpan.FromMinutes(1));
                break;
        }
    }

    private void HandleAccept(AcceptBatch batch, IActorRef intake, Turn turn)
    {
        var accepted = new List<string>(batch.Messages.Count);
        var late = new List<string>();
        foreach (var message in batch.Messages)
        {
            // Past its deadline the client already heard 451 (and its body may be swept): do not queue it.
            if (message.Deadline < turn.Now)
            {
                late.Add(message.QueueId);
                continue;
            }
            accepted.Add(message.QueueId);
            if (_state.Messages.ContainsKey(message.QueueId)) continue;
            turn.Emit(new MessageAccepted(message.QueueId, message.Envelope, message.Size, turn.Now, turn.Now + _settings.MaxLifetime));
            turn.Touch(message.QueueId);
        }
        turn.AfterCommit(() =>
        {
            if (accepted.Count > 0) intake.Tell(new BatchAccepted(accepted));
            if (late.Count > 0) intake.Tell(new BatchNotAccepted(late, "accept deadline passed before the queue partition could record it"));
        });
        turn.OnFailure(reason => intake.Tell(new BatchNotAccepted(accepted, reason)));
    }

    /// <summary>Everything due now: touched messages and those whose time came, and those a domain slot opened for.</summary>
    private void Schedule(Turn turn)
    {
        _dispatches.TakeDue(turn.Now, turn);
        while (turn.TryNextTouched(out var queueId))
            if (_state.Messages.TryGetValue(queueId, out var message))
                Evaluate(message, turn);
    }

    private void Evaluate(QueuedMessage message, Turn turn)
    {
        var now = turn.Now;
        var expired = now >= message.ExpiresAt;
        _dispatches.StopWaiting(message.QueueId);
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (recipient.Status == RecipientStatus.InFlight && recipient.DueAt <= now)
            {
                // No report within the lease: the delivery actor (or its node) is gone. Try again.
                QueueMetrics.LeasesExpired.Add(1);
                ReleaseDispatch(recipient.DispatchId, turn);
                if (expired)
                    turn.Emit(new RecipientExpired(message.QueueId, i, now));
                else
                    turn.Emit(new RecipientDeferred(message.QueueId, i, LeaseExpiredReply, null, now, now));
            }
            else if (recipient.IsWaiting && expired)
            {
                turn.Emit(new RecipientExpired(message.QueueId, i, now));
            }
        }
        if (!expired && !_settings.DeliveryPaused) Dispatch(message, turn);
        // Requesting DSNs emits no events: what is owed is the same before and after.
        var owed = OwedKinds(message, now);
        RequestDsns(message, owed, turn);
        var owesDsn = (owed & (DsnKinds.Failure | DsnKinds.Success)) != 0;
        if (message.AllFinal && !owesDsn)
        {
            turn.Emit(new MessageCompleted(message.QueueId, now));
            turn.Completed(message.QueueId);
            return;
        }
        var next = NextDue(message);
        // An owed DSN whose answer never came (lost with a node) is asked for again.
        if (owesDsn && now + DsnAnswerTimeout < next) next = now + DsnAnswerTimeout;
        _dispatches.DueAt(message.QueueId, next);
    }

    /// <summary>
    /// When the message needs looking at again. Recipients that cannot be dispatched anyway
    /// (delivery paused, or waiting for a domain slot, which wakes them) do not count: only their expiry does.
    /// </summary>
    private DateTimeOffset NextDue(QueuedMessage message)
    {
        var next = message.ExpiresAt;
        var blocked = _settings.DeliveryPaused || _dispatches.IsWaitingForSlot(message.QueueId);
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Recipients[i];
            if (recipient.IsFinal) continue;
            if (recipient.DueAt < next && !(recipient.IsWaiting && blocked)) next = recipient.DueAt;
            if (WantsDelayDsn(message, i) && message.AcceptedAt + _settings.DelayDsnAfter < next) next = message.AcceptedAt + _settings.DelayDsnAfter;
        }
        return next;
    }

    private void Commit(Turn turn)
    {
        if (turn.Events.Count == 0)
        {
            turn.RunAfterCommit();
            FinishTurn(turn);
            return;
        }
        _persisting = turn;
        var remaining = turn.Events.Count;
        var started = Stopwatch.GetTimestamp();
        PersistAll(turn.Events, _ =>
        {
            if (--remaining > 0) return;
            _persisting = null;
            QueueMetrics.Committed(turn.Events, Stopwatch.GetElapsedTime(started));
            turn.RunAfterCommit();
            FinishTurn(turn);
        });
    }

    private void FinishTurn(Turn turn)
    {
        if (turn.CompletedMessages.Count > 0)
        {
            var completed = turn.CompletedMessages.ToArray();
            _bodies.DeleteAsync(completed, CancellationToken.None).PipeTo(Self, success: () => new BodiesSwept(0));
        }
        QueueMetrics.PartitionHolds(_partition, _state.Messages.Count);
        _eventsSinceSnapshot += turn.Events.Count;
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
        if (_dispatches.EarliestDue() is not { } due) return;
        if (_tickAt is { } armed && armed <= due) return;
        var delay = due - _clock.GetUtcNow();
        _tickAt = due;
        Timers.StartSingleTimer("tick", Tick.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTimer ? MaxTimer : delay);
    }

    private static readonly TimeSpan MaxTimer = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan DsnAnswerTimeout = TimeSpan.FromMinutes(10);
    private static readonly RemoteReply LeaseExpiredReply = new(451, "4.4.7", "no delivery report within the lease; trying again");

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
        _persisting?.RunOnFailure(reason);
        _persisting = null;
        foreach (var (command, sender) in _inbox)
            if (command is AcceptBatch batch)
                sender.Tell(new BatchNotAccepted(batch.Messages.Select(m => m.QueueId).ToArray(), reason));
        _inbox.Clear();
    }

    protected override void PostStop()
    {
        QueueMetrics.PartitionGone(_partition);
        base.PostStop();
    }

    private void StartSweep()
    {
        var live = _state.Messages.Keys.ToHashSet(StringComparer.Ordinal);
        var before = _clock.GetUtcNow() - _settings.AcceptTimeout * 2 - TimeSpan.FromMinutes(1);
        _bodies.DeleteOrphansAsync(_partition, before, live, CancellationToken.None).PipeTo(Self, success: deleted => new BodiesSwept(deleted));
    }

    public static Props Props(int partition, QueueSettings settings, IActorRef delivery, IActorRef bounces, MessageBodyStore bodies, TimeProvider clock,
        IAdminBounceLog? log = null) =>
        Akka.Actor.Props.Create(() => new QueuePartition(partition, settings, delivery, bounces, bodies, clock, log));
}
