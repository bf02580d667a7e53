using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorMta.Telemetry;

namespace ActorMta.Queue;

/// <summary>
/// The queue's instruments (OpenTelemetry, exported on the management endpoint's /metrics). Counters come out
/// as NAME_total, durations in seconds as NAME_seconds (histograms, buckets in <see cref="Views"/>).
/// </summary>
public static class QueueMetrics
{
    public static readonly Meter Meter = new("ActorMta.Queue");

    /// <summary>Messages queued by this node's partitions (a 250 was or will be sent for each).</summary>
    public static readonly MetricCount MessagesAccepted = new(Meter, "actormta_queue_messages_accepted", "Messages recorded in the queue");

    public static readonly MetricCount MessagesCompleted = new(Meter, "actormta_queue_messages_completed", "Messages that left the queue (every recipient final, DSNs queued)");

    public static readonly MetricCount RecipientsDelivered = new(Meter, "actormta_queue_recipients_delivered", "Recipients delivered");

    public static readonly MetricCount RecipientsDeferred = new(Meter, "actormta_queue_recipients_deferred", "Recipient attempts that failed temporarily (retried later)");

    public static readonly MetricCount RecipientsFailed = new(Meter, "actormta_queue_recipients_failed", "Recipients that failed permanently (bounced)");

    public static readonly MetricCount RecipientsExpired = new(Meter, "actormta_queue_recipients_expired", "Recipients given up on at the end of the queue lifetime");

    /// <summary>Journal writes of partitions (each one a group commit of a turn's events).</summary>
    public static readonly MetricCount JournalWrites = new(Meter, "actormta_queue_journal_writes", "Group-committed journal writes by queue partitions");

    public static readonly MetricCount EventsWritten = new(Meter, "actormta_queue_events_written", "Queue events written to the journal");

    /// <summary>A dispatch got no report within its lease and was tried again: a delivery may happen twice.</summary>
    public static readonly MetricCount LeasesExpired = new(Meter, "actormta_queue_delivery_leases_expired", "Dispatches retried because no delivery report came within the lease (possible duplicates)");

    /// <summary>A "delivered" report for an attempt already given up on: the recipient got the message twice.</summary>
    public static readonly MetricCount LateReports = new(Meter, "actormta_queue_duplicate_deliveries", "Deliveries reported for attempts the queue had already retried (duplicates)");

    /// <summary>
    /// A dispatch sent again because the delivery actor that held it was lost (its node died or
    /// left, or the partition restarted): an attempt may already have reached the next hop.
    /// </summary>
    public static readonly MetricCount Redispatched = new(Meter, "actormta_queue_delivery_redispatched", "Dispatches sent again after their delivery actor or partition was lost (possible duplicates)");

    private static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram<double>("actormta_queue_journal_write_duration", "s",
        "Time from a partition's journal write to its confirmation (one group commit)");

    private static readonly Histogram<int> JournalWriteEvents = Meter.CreateHistogram<int>("actormta_queue_journal_write_events", null,
        "Events per journal write of a partition (the group commit's batch size)");

    private static readonly Histogram<double> TimeToDelivery = Meter.CreateHistogram<double>("actormta_queue_time_to_delivery", "s",
        "Time from a message's acceptance to a recipient's delivery (recorded once the delivery is durable)");

    /// <summary>The histograms' buckets, for the meter provider's views.</summary>
    public static IEnumerable<(string Instrument, double[] Boundaries)> Views =>
    [
        (JournalWriteDuration.Name, Buckets.Milliseconds),
        (JournalWriteEvents.Name, Buckets.Count),
        (TimeToDelivery.Name, Buckets.SecondsToDays),
    ];

    private static readonly ConcurrentDictionary<int, int> QueuedByPartition = new();

    static QueueMetrics() =>
        Meter.CreateObservableGauge("actormta_queue_messages", () => QueuedByPartition.Values.Sum(), description: "Messages queued in the partitions this node hosts");

    /// <summary>Counts what a partition's journal write made durable, and how long the write took.</summary>
    internal static void Committed(IReadOnlyList<Partition.IQueueEvent> events, TimeSpan took)
    {
        JournalWrites.Add(1);
        EventsWritten.Add(events.Count);
        JournalWriteDuration.Record(took.TotalSeconds);
        JournalWriteEvents.Record(events.Count);
        foreach (var e in events)
        {
            var count = e switch
            {
                Partition.MessageAccepted => MessagesAccepted,
                Partition.MessageCompleted => MessagesCompleted,
                Partition.RecipientDelivered => RecipientsDelivered,
                Partition.RecipientDeferred => RecipientsDeferred,
                Partition.RecipientFailed => RecipientsFailed,
                Partition.RecipientExpired => RecipientsExpired,
                _ => null,
            };
            count?.Add(1);
            if (e is Partition.ICompletingEvent { Completes: true }) MessagesCompleted.Add(1);
        }
    }

    /// <summary>A recipient's delivery is durable: it waited this long in the queue since the message was accepted.</summary>
    internal static void Delivered(TimeSpan inQueue) => TimeToDelivery.Record(Math.Max(0, inQueue.TotalSeconds));

    /// <summary>A partition hosted here reports how many messages it holds (after every turn and at recovery).</summary>
    public static void PartitionHolds(int partition, int messages) => QueuedByPartition[partition] = messages;

    /// <summary>A partition stopped here (moved, or the node is leaving): its messages are counted where it runs next.</summary>
    public static void PartitionGone(int partition) => QueuedByPartition.TryRemove(partition, out _);

    /// <summary>Messages queued in the partitions this node hosts now (the dashboard reads it).</summary>
    public static int Queued => QueuedByPartition.Values.Sum();
}
