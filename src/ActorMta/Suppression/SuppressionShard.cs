using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorMta.Contracts;

namespace ActorMta.Suppression;

/// <summary>
/// One shard of the suppression list: an event-sourced entity holding its entries in memory
/// (<see cref="SuppressionList"/>), so a check is answered from memory. Adds and removes are journaled
/// (PersistAsync: checks are answered while a write is under way, never held behind it) and answered once
/// durable; a snapshot every <see cref="SuppressionSettings.SnapshotEvery"/> changes keeps recovery short.
/// Expired entries need no event: they stop matching at once, are swept from memory, and are left out of snapshots.
/// </summary>
public sealed partial class SuppressionShard : ReceivePersistentActor, IWithTimers
{
    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private readonly int _shard;
    private readonly SuppressionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly SuppressionList _list = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _changesSinceSnapshot;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public SuppressionShard(int shard, SuppressionSettings settings, TimeProvider clock)
    {
        _shard = shard;
        _settings = settings;
        _clock = clock;
        PersistenceId = $"suppression-{shard}";

        Recover<SnapshotOffer>(offer =>
        {
            foreach (var entry in ((SuppressionSnapshot)offer.Snapshot).Entries) _list.Add(entry, Now);
        });
        Recover<SuppressionAdded>(added => Apply(added));
        Recover<SuppressionRemoved>(removed => _list.Remove(removed.Recipient, removed.Scope));
        Recover<RecoveryCompleted>(_ =>
        {
            Timers.StartPeriodicTimer("sweep", Sweep.Instance, _settings.SweepInterval);
            if (_list.Count > 0) _log.Debug("Suppression shard {0} recovered {1} entries", _shard, _list.Count);
        });

        Command<CheckSuppression>(check => Sender.Tell(new SuppressionVerdict(check.Recipient, _list.Find(check.Recipient, check.Scopes, Now))));
        Command<SuppressRecipients>(add =>
        {
            var sender = Sender;
            PersistAsync(new SuppressionAdded(add.Entries), added =>
            {
                Apply(added);
                sender.Tell(new RecipientsSuppressed(_shard, added.Entries.Count));
                Changed(added.Entries.Count);
            });
        });
        Command<Remove>(remove =>
        {
            var sender = Sender;
            PersistAsync(new SuppressionRemoved(remove.Recipient, remove.Scope), removed =>
            {
                sender.Tell(new Removed(_list.Remove(removed.Recipient, removed.Scope)));
                Changed(1);
            });
        });
        Command<List>(list => Sender.Tell(new Page(_shard,
            _list.Page(list.AfterRecipient is null ? null : (list.AfterRecipient, list.AfterScope ?? ""), list.Limit, list.Scope, Now))));
        Command<GetSummary>(_ =>
        {
            var (total, bySource, byScope) = _list.Summary(Now);
            Sender.Tell(new Summary(_shard, total, bySource, byScope));
        });
        Command<Wake>(_ => { });
        Command<Sweep>(_ => _list.Sweep(Now));
        Command<SaveSnapshotSuccess>(saved =>
        {
            // Everything before the snapshot is in it: trim the journal and older snapshots.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "Suppression shard {0}: snapshot not saved", _shard));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "Suppression shard {0}: journal not trimmed", _shard));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Suppression shard {0}: old snapshots not deleted", _shard));
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private void Apply(SuppressionAdded added)
    {
        var now = Now;
        foreach (var entry in added.Entries) _list.Add(entry, now);
    }

    private void Changed(int count)
    {
        _changesSinceSnapshot += count;
        if (_changesSinceSnapshot < _settings.SnapshotEvery) return;
        _changesSinceSnapshot = 0;
        SaveSnapshot(new SuppressionSnapshot(_list.All(Now)));
    }

    public static Props Props(int shard, SuppressionSettings settings, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new SuppressionShard(shard, settings, clock));
}
