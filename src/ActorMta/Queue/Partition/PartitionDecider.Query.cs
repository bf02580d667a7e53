using ActorMta.Contracts;
namespace ActorMta.Queue.Partition;

/// <summary>Read-only answers for the queue API: one message, and counts.</summary>
public sealed partial class PartitionDecider
{
    /// <summary>The state of a message every recipient of which is done; its body may still await its batched delete.</summary>
    public const string CompletedState = "completed";

    /// <summary>A <see cref="QueuePartition.MessageDetails"/> or <see cref="QueuePartition.MessageNotFound"/>.</summary>
    public object Describe(string queueId)
    {
        if (State.Messages.TryGetValue(queueId, out var message))
        {
            var recipients = message.Recipients.Select((r, i) => new QueuePartition.RecipientView(
                message.Envelope.Recipients[i].Address,
                message.Envelope.Recipients[i].Domain,
                StatusName(r.Status),
                r.Attempts,
                r.IsWaiting ? r.DueAt : null,
                r.LastReply?.ToString(),
                r.LastRemoteHost)).ToArray();
            return new QueuePartition.MessageDetails(message.QueueId, "queued", message.Envelope, message.Size, message.AcceptedAt, message.ExpiresAt, recipients, PartitionState.HistoryOf(message));
        }
        var completed = State.RecentlyCompleted.FirstOrDefault(c => c.QueueId == queueId);
        if (completed is null) return new QueuePartition.MessageNotFound(queueId);
        var outcomes = completed.RecipientOutcomes.Select((outcome, i) => new QueuePartition.RecipientView(
            completed.Envelope.Recipients[i].Address, completed.Envelope.Recipients[i].Domain, outcome[(outcome.LastIndexOf(": ", StringComparison.Ordinal) + 2)..], 0, null, null, null)).ToArray();
        return new QueuePartition.MessageDetails(completed.QueueId, CompletedState, completed.Envelope, null, null, null, outcomes, completed.History);
    }

    public QueuePartition.PartitionCounts Count()
    {
        var byStatus = new Dictionary<string, int>(StringComparer.Ordinal);
        var byDomain = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var message in State.Messages.Values)
        {
            for (var i = 0; i < message.Recipients.Length; i++)
            {
                var status = StatusName(message.Recipients[i].Status);
                var domain = message.Envelope.Recipients[i].Domain;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                if (!byDomain.TryGetValue(domain, out var counts)) byDomain[domain] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
                counts[status] = counts.GetValueOrDefault(status) + 1;
            }
        }
        return new QueuePartition.PartitionCounts(_partition, State.Messages.Count, byStatus,
            byDomain.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, int>)d.Value, StringComparer.Ordinal));
    }

    private static string StatusName(RecipientStatus status) => status switch
    {
        RecipientStatus.InFlight => "in-flight",
        _ => status.ToString().ToLowerInvariant(),
    };
}
