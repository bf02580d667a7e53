using ActorMta.Queue.Sharding;
using ActorMta.Serialization;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

public sealed partial class QueuePartition
{
    /// <param name="TimeLeft">
    /// How long the partition may still take to record it: the intake's time until it tells the client 451,
    /// less a margin for the trip. A duration, not a time of day, because two nodes' clocks may disagree.
    /// </param>
    public sealed record AcceptedEnvelope(string QueueId, SmtpEnvelope Envelope, long Size, TimeSpan TimeLeft)
    {
        /// <summary>
        /// After this, on the receiving node's clock, the partition must not queue it (the client heard 451).
        /// Stamped on receipt (<see cref="AcceptBatch.Received"/>), never sent; unstamped, it has passed.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public DateTimeOffset Deadline { get; init; }
    }

    /// <summary>From the intake: envelopes whose bodies are stored. Answered once they are durable.</summary>
    public sealed record AcceptBatch(int Partition, IReadOnlyList<AcceptedEnvelope> Messages) : IWithPartition
    {
        /// <summary>This batch with each deadline on the receiver's clock: <paramref name="now"/> plus the time left.</summary>
        public AcceptBatch Received(DateTimeOffset now) =>
            this with { Messages = Messages.Select(m => m with { Deadline = now + m.TimeLeft }).ToArray() };
    }

    public sealed record BatchAccepted(IReadOnlyList<string> QueueIds) : IActorMtaSerializable;

    public sealed record BatchNotAccepted(IReadOnlyList<string> QueueIds, string Reason) : IActorMtaSerializable;

    /// <summary>Starts a partition (recovery, then its due work) without doing anything else.</summary>
    public sealed record Wake(int Partition) : IWithPartition;

    /// <summary>An operator's "try now": the message's recipients waiting for a retry are due at once; answered like <see cref="GetMessage"/>.</summary>
    public sealed record RetryNow(int Partition, string QueueId) : IWithPartition;

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

    /// <summary>
    /// An operator's admin bounce of one message: its waiting recipients fail now with <paramref name="Reason"/>.
    /// Answered with <see cref="MessageBounced"/> once recorded, or <see cref="MessageNotFound"/>.
    /// </summary>
    public sealed record BounceMessage(int Partition, string QueueId, string Reason) : IWithPartition;

    /// <param name="Bounced">The recipients failed now.</param>
    /// <param name="InFlight">Recipients being attempted right now, not bounced.</param>
    public sealed record MessageBounced(string QueueId, IReadOnlyList<string> Bounced, IReadOnlyList<string> InFlight) : IActorMtaSerializable;
}
