using Akka.Actor;
using Akka.Pattern;
using Akka.Persistence;

namespace ActorMta.Queue.Journal;

/// <summary>
/// Proves the journal can take a write: each probe persists one tiny event through the same
/// Akka.Persistence.Sql journal the queue uses, then deletes the ones before it, so the probe
/// costs one row. Readiness depends on it (the Sql.Hosting connectivity check is broken here).
/// </summary>
public sealed class JournalWriteProbe : ReceivePersistentActor
{
    public sealed record Probe
    {
        public static readonly Probe Instance = new();
    }

    public sealed record Written(long SequenceNr);

    public sealed record ProbeWritten(DateTime At);

    public override string PersistenceId { get; }

    public JournalWriteProbe(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<ProbeWritten>(_ => { });
        Command<Probe>(_ =>
        {
            var replyTo = Sender;
            Persist(new ProbeWritten(DateTime.UtcNow), _ =>
            {
                if (LastSequenceNr > 1) DeleteMessages(LastSequenceNr - 1);
                replyTo.Tell(new Written(LastSequenceNr));
            });
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
    }

    /// <summary>
    /// The probe under a backoff supervisor: a failed write stops a persistent actor, and the
    /// supervisor starts it again, so the node becomes ready again when the database is back.
    /// </summary>
    public static Props SupervisedProps(string persistenceId) =>
        BackoffSupervisor.Props(Backoff.OnStop(
            Props.Create(() => new JournalWriteProbe(persistenceId)),
            childName: "probe",
            minBackoff: TimeSpan.FromMilliseconds(200),
            maxBackoff: TimeSpan.FromSeconds(5),
            randomFactor: 0.2,
            maxNrOfRetries: -1));
}
