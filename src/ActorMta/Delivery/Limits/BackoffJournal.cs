using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorMta.Delivery.Limits;

/// <summary>The domain's backoff state as recorded in the journal; the latest one is all that counts.</summary>
public sealed record DomainBackoffRecorded(DomainBackoffState State) : IActorMtaSerializable;

/// <summary>
/// Keeps a domain's suspension and throttle in the journal, so they outlive its delivery actor: a
/// move to another node, the loss of a node and a full restart. A child of the domain's
/// <see cref="DomainDelivery"/>, which waits for <see cref="Restored"/> before it delivers
/// anything. Changes are rare (a suspension, a throttle, their end), so each one is one write, and
/// the ones before it are deleted.
/// </summary>
internal sealed class BackoffJournal : ReceivePersistentActor
{
    /// <summary>What was recorded last (null: nothing ever was).</summary>
    public sealed record Restored(DomainBackoffState? State);

    public sealed record Record(DomainBackoffState State);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DomainBackoffState? _last;

    public override string PersistenceId { get; }

    public BackoffJournal(string domain)
    {
        PersistenceId = $"domain-backoff-{domain}";
        Recover<DomainBackoffRecorded>(recorded => _last = recorded.State);
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(new Restored(_last)));
        Command<Record>(record => PersistAsync(new DomainBackoffRecorded(record.State), _ =>
        {
            if (LastSequenceNr > 1) DeleteMessages(LastSequenceNr - 1);
        }));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "{0}: older backoff records not deleted", PersistenceId));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Warning(cause, "{0}: backoff state not recorded; it holds until this actor stops", PersistenceId);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    public static Props Props(string domain) => Akka.Actor.Props.Create(() => new BackoffJournal(domain));
}
