using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// An operator's admin bounce of one message (POST /api/admin/bounce/v1 {queue_id}): its recipients waiting
/// for an attempt fail now with the operator's reason, so the sender's DSN goes out as for any failure, and
/// the delivery log marks each one AdminBounce. Recipients on the wire are left to their attempt (failing
/// them here could bounce a message that is being delivered); the answer names them.
/// </summary>
public sealed partial class PartitionDecider
{
    private void BounceWaiting(QueuePartition.BounceMessage bounce, object from, Turn turn)
    {
        if (!State.Messages.TryGetValue(bounce.QueueId, out var message))
        {
            turn.Decision.Reply(from, new QueuePartition.MessageNotFound(bounce.QueueId));
            return;
        }
        var reply = AdminBounce.Reply(bounce.Reason);
        var bounced = new List<string>();
        var inFlight = new List<string>();
        for (var i = 0; i < message.Recipients.Length; i++)
        {
            var recipient = message.Envelope.Recipients[i];
            if (message.Recipients[i].Status == RecipientStatus.InFlight) inFlight.Add(recipient.Address);
            if (!message.Recipients[i].IsWaiting) continue;
            turn.Emit(new RecipientFailed(message.QueueId, i, reply, null, turn.Now));
            bounced.Add(recipient.Address);
            turn.Decision.AdminBounced(new AdminBounceLine(turn.Now, message.QueueId, message.Envelope.ReversePath, recipient.Address, recipient.Domain,
                reply, message.Recipients[i].Attempts, turn.Now - message.AcceptedAt));
        }
        if (bounced.Count > 0) turn.Touch(message.QueueId);
        turn.Decision.Reply(from, new QueuePartition.MessageBounced(message.QueueId, bounced, inFlight));
    }
}
