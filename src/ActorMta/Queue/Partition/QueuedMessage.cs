using ActorMta.Delivery;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// One message while it is in the queue. Mutable, but only <see cref="PartitionState.Apply"/>
/// changes it, so the journal alone decides what it holds (a partition may hold hundreds of
/// thousands: an immutable copy per event would cost more than it protects).
/// </summary>
public sealed class QueuedMessage
{
    public required string QueueId { get; init; }
    public required SmtpEnvelope Envelope { get; init; }
    public required long Size { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required RecipientState[] Recipients { get; init; }
    /// <summary>
    /// What happened after the accept (null until something did: most messages are delivered at the
    /// first attempt, and a deep queue holds hundreds of thousands). The "accepted" line is derived
    /// from the fields above when asked for (<see cref="PartitionState.HistoryOf"/>), never stored.
    /// </summary>
    public List<HistoryEntry>? History { get; set; }

    public bool AllFinal => Recipients.All(r => r.IsFinal);
}

public sealed class RecipientState
{
    public RecipientStatus Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>Pending/Deferred: when it may be tried. InFlight: when its lease runs out.</summary>
    public DateTimeOffset DueAt { get; set; }
    public long DispatchId { get; set; }
    public RemoteReply? LastReply { get; set; }
    public string? LastRemoteHost { get; set; }
    public DateTimeOffset? FinalAt { get; set; }
    public DsnKinds DsnQueued { get; set; }

    public bool IsFinal => Status is RecipientStatus.Delivered or RecipientStatus.Failed or RecipientStatus.Expired;
    public bool IsWaiting => Status is RecipientStatus.Pending or RecipientStatus.Deferred;
}

[Flags]
public enum DsnKinds { None = 0, Failure = 1, Delay = 2, Success = 4 }

/// <summary>One line of a message's life for the queue API: what happened, when, in short.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string Event, string Detail);

/// <summary>What the queue API still shows of a message after it completed.</summary>
public sealed record CompletedMessage(string QueueId, DateTimeOffset CompletedAt, SmtpEnvelope Envelope, IReadOnlyList<string> RecipientOutcomes, IReadOnlyList<HistoryEntry> History);
