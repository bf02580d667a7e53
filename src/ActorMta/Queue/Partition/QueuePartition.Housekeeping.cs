using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorMta.Queue.Partition;

/// <summary>Bodies of completed messages and orphaned bodies go; snapshots trim the journal.</summary>
public sealed partial class QueuePartition
{
    private sealed record SweepBodies
    {
        public static readonly SweepBodies Instance = new();
    }

    private sealed record BodiesSwept(int Deleted);

    private void ReceiveHousekeeping()
    {
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

    /// <summary>Bodies older than any accept still in flight and not held here are orphans.</summary>
    private void StartSweeps()
    {
        Timers.StartSingleTimer("sweep-after-recovery", SweepBodies.Instance, _settings.AcceptTimeout * 2 + TimeSpan.FromSeconds(5));
        Timers.StartPeriodicTimer("sweep", SweepBodies.Instance, TimeSpan.FromHours(1));
    }

    private void StartSweep()
    {
        var live = _state.Messages.Keys.ToHashSet(StringComparer.Ordinal);
        var before = _clock.GetUtcNow() - _settings.AcceptTimeout * 2 - TimeSpan.FromMinutes(1);
        _bodies.DeleteOrphansAsync(_partition, before, live, CancellationToken.None).PipeTo(Self, success: deleted => new BodiesSwept(deleted));
    }

    private void DeleteBodies(IReadOnlyList<string> completed) =>
        _bodies.DeleteAsync([.. completed], CancellationToken.None).PipeTo(Self, success: () => new BodiesSwept(0));
}
