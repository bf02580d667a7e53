using ActorMta.Queue;

namespace ActorMta.Management.Dashboard;

/// <summary>
/// This node's running totals as the dashboard shows them, read in this one place so that a move of the
/// metrics (to OpenTelemetry instruments) changes only this class. Totals, not rates: the page divides
/// the difference between two snapshots by the time between them.
/// </summary>
/// <param name="Bounced">Recipients failed permanently or expired (each gets a DSN unless the sender is null).</param>
/// <param name="Queued">Messages in the queue partitions this node hosts.</param>
public sealed record DashboardCounts(long Accepted, long Delivered, long Deferred, long Bounced, int Queued)
{
    public static DashboardCounts Read() => new(
        QueueMetrics.MessagesAccepted.Value,
        QueueMetrics.RecipientsDelivered.Value,
        QueueMetrics.RecipientsDeferred.Value,
        QueueMetrics.RecipientsFailed.Value + QueueMetrics.RecipientsExpired.Value,
        QueueMetrics.Queued);
}
