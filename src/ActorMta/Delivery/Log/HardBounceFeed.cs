using ActorMta.Contracts;
using Akka.Actor;

namespace ActorMta.Delivery.Log;

/// <summary>
/// Hard bounces to the suppression list: a recipient that failed permanently with one of the configured bounce
/// classes (actormta.suppression.add-on-bounce) is added in the global scope, with the reply as the reason, the
/// message's queue id and the time. Fed by the delivery log, the one place where a failure's class is known;
/// the region is connected once the actor system runs (before that, and with no classes, nothing is sent).
/// </summary>
public sealed class HardBounceFeed(IReadOnlySet<string> classes, int shards, TimeSpan? expiry)
{
    private volatile IActorRef? _region;

    public void Connect(IActorRef region) => _region = region;

    public void Failed(DeliveryLogEntry entry, string? bounceClass)
    {
        if (bounceClass is null || !classes.Contains(bounceClass) || _region is not { } region) return;
        if (SuppressionAddress.Normalize(entry.Recipient) is not { } recipient) return;
        var added = new SuppressionEntry(recipient, SuppressionScope.Global, entry.Reply.ToString(), $"bounce:{bounceClass}", entry.QueueId, entry.Time,
            expiry is { } length ? entry.Time + length : null);
        region.Tell(new SuppressRecipients(SuppressionAddress.Shard(recipient, shards), [added]));
    }
}
