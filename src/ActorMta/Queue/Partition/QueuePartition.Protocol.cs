using ActorMta.Queue.Sharding;
using ActorMta.Serialization;

namespace ActorMta.Queue.Partition;

public sealed partial class QueuePartition
{
    /// <param name="Deadline">After this the intake has told the client 451: the partition must not queue it.</param>
    public sealed record AcceptedEnvelope(string QueueId, SmtpEnvelope Envelope, long Size, DateTimeOffset Deadline);

    /// <summary>From the intake: envelopes whose bodies are stored. Answered once they are durable.</summary>
    public sealed record AcceptBatch(int Partition, IReadOnlyList<AcceptedEnvelope> Messages) : IWithPartition;

    public sealed record BatchAccepted(IReadOnlyList<string> QueueIds) : IActorMtaSerializable;

    public sealed record BatchNotAccepted(IReadOnlyList<string> QueueIds, string Reason) : IActorMtaSerializable;

    /// <summary>Starts a partition (recovery, then its due work) without doing anything else.</summary>
    public sealed record Wake(int Partition) : IWithPartition;

    /// <summary>From the bounce stage: a DSN about these recipients is queued.</summary>
    public sealed record DsnEnqueued(int Partition, string QueueId, DsnKind Kind, IReadOnlyList<int> Recipients, string DsnQueueId) : IWithPartition;

    public sealed record DsnNotEnqueued(int Partition, string QueueId, DsnKind Kind, string Reason) : IWithPartition;

    /// <summary>One message and its history; answered with <see cref="MessageDetails"/> or <see cref="MessageNotFound"/>.</summary>
    public sealed record GetMessage(int Partition, string QueueId) : IWithPartition;

    public sealed record MessageDetails(
        string QueueId,
        string State,
        SmtpEnvelope Envelope,
        long? Size,
        DateTimeOffset? AcceptedAt,
        DateTimeOffset? ExpiresAt,
        IReadOnlyList<RecipientView> Recipients,
        IReadOnlyList<HistoryEntry> History) : IActorMtaSerializable;

    public sealed record RecipientView(string Address, string Domain, string Status, int Attempts, DateTimeOffset? NextAttemptAt, string? LastReply, string? RemoteHost);

    public sealed record MessageNotFound(string QueueId) : IActorMtaSerializable;

    /// <summary>Counts of what this partition holds; answered with <see cref="PartitionCounts"/>.</summary>
    public sealed record GetCounts(int Partition) : IWithPartition;

    /// <param name="Recipients">Recipients of queued messages by status (pending, in-flight, deferred, and final ones awaiting a DSN).</param>
    public sealed record PartitionCounts(int Partition, int Messages, IReadOnlyDictionary<string, int> Recipients, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByDomain) : IActorMtaSerializable;
}
