using ActorMta.Queue.Sharding;
using ActorMta.Serialization;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// An operator's admin bounce of one message (POST /api/admin/bounce/v1 {queue_id}): its recipients waiting
/// for an attempt fail now with the operator's reason, so the sender's DSN goes out as for any failure, and
/// the delivery log marks each one AdminBounce. Recipients on the wire are left to their attempt (failing
/// them here could bounce a message that is being delivered); the answer names them.
/// </summary>
public sealed partial class QueuePartition
{
    /// <summary>Answered with <see cref="MessageBounced"/> once recorded, or <see cref="MessageNotFound"/>.</summary>
    public sealed record BounceMessage(int Partition, string QueueId, string Reason) : IWithPartition;

    /// <param name="Bounced">The recipients failed now.</param>
    /// <param name="InFlight">Recipients being attempted right now, not bounced.</param>
    public sealed record MessageBounced(string QueueId, IReadOnlyList<string> Bounced, IReadOnlyList<string> InFlight) : IActorMtaSerializable;

    private void BounceWaiting(BounceMessage bounce, IActorRef sender, Turn turn)
    {
        if (!_state.Messages.TryGetValue(bounce.QueueId, out var message))
        {
            turn.AfterCommit(() => sender.Tell(new MessageNotFound(bounce.QueueId)));
            return;
        }
        var reply = AdminBounce.Reply(bounce.Reason);
        var bounced = new List<int>();
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            if (!message.Recipients[i].IsWaiting) continue;
            turn.Emit(new RecipientFailed(message.QueueId, i, reply, null, turn.Now));
            bounced.Add(i);
        }
        if (bounced.Count > 0) turn.Touch(message.QueueId);
        var inFlight = message.Recipients.Select((r, i) => (r, i)).Where(r => r.r.Status == RecipientStatus.InFlight)
            .Select(r => message.Envelope.Recipients[r.i].Address).ToArray();
        turn.AfterCommit(() =>
        {
            foreach (var i in bounced)
            {
                var recipient = message.Envelope.Recipients[i];
                _deliveryLog?.AdminBounced(turn.Now, message.QueueId, message.Envelope.ReversePath, recipient.Address, recipient.Domain,
                    reply, message.Recipients[i].Attempts, turn.Now - message.AcceptedAt);
            }
            sender.Tell(new MessageBounced(message.QueueId, [.. bounced.Select(i => message.Envelope.Recipients[i].Address)], inFlight));
        });
    }
}
