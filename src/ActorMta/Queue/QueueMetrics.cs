using System.Diagnostics.Metrics;

namespace ActorMta.Queue;

/// <summary>The queue's counters (System.Diagnostics.Metrics; exported by the management endpoint).</summary>
public static class QueueMetrics
{
    public static readonly Meter Meter = new("ActorMta.Queue");

    /// <summary>Journal writes of partitions (each one a group commit of a turn's events).</summary>
    public static readonly Counter<long> JournalWrites = Meter.CreateCounter<long>("actormta_queue_journal_writes", description: "Group-committed journal writes by queue partitions");

    public static readonly Counter<long> EventsWritten = Meter.CreateCounter<long>("actormta_queue_events_written", description: "Queue events written to the journal");

    /// <summary>A dispatch got no report within its lease and was tried again: a delivery may happen twice.</summary>
    public static readonly Counter<long> LeasesExpired = Meter.CreateCounter<long>("actormta_queue_delivery_leases_expired", description: "Dispatches retried because no delivery report came within the lease (possible duplicates)");

    /// <summary>A "delivered" report for an attempt already given up on: the recipient got the message twice.</summary>
    public static readonly Counter<long> LateReports = Meter.CreateCounter<long>("actormta_queue_duplicate_deliveries", description: "Deliveries reported for attempts the queue had already retried (duplicates)");
}
