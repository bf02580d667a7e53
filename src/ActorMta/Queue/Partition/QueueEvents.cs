using System.Text.Json.Serialization;
using ActorMta.Delivery;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// What happens to a message, as the partition's journal records it. Events are small (the
/// envelope, never the body) and a partition writes the events of one mailbox turn together.
/// </summary>
public interface IQueueEvent : IActorMtaSerializable
{
    string QueueId { get; }
    DateTimeOffset At { get; }
}

/// <summary>
/// An event that can end its message: with <see cref="Completes"/> set, the message leaves the queue right
/// after it, as a <see cref="MessageCompleted"/> would say. The last event of a message usually finishes its
/// last recipient (or queues its last DSN); folding the completion into it saves a journal row per message.
/// Written only when set, so events without it read and write as before.
/// </summary>
public interface ICompletingEvent : IQueueEvent
{
    bool Completes { get; }

    ICompletingEvent Completing();
}

public sealed record MessageAccepted(string QueueId, SmtpEnvelope Envelope, long Size, DateTimeOffset At, DateTimeOffset ExpiresAt) : IQueueEvent;

/// <summary>Recipients handed to their domain's delivery actor; each one's attempt count goes up by one.</summary>
public sealed record AttemptStarted(string QueueId, long DispatchId, IReadOnlyList<int> Recipients, DateTimeOffset At) : IQueueEvent;

public sealed record RecipientDelivered(string QueueId, int Recipient, RemoteReply Reply, string? RemoteHost, DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Completes = false) : ICompletingEvent
{
    public ICompletingEvent Completing() => this with { Completes = true };
}

public sealed record RecipientDeferred(string QueueId, int Recipient, RemoteReply Reply, string? RemoteHost, DateTimeOffset RetryAt, DateTimeOffset At) : IQueueEvent;

public sealed record RecipientFailed(string QueueId, int Recipient, RemoteReply Reply, string? RemoteHost, DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Completes = false) : ICompletingEvent
{
    public ICompletingEvent Completing() => this with { Completes = true };
}

/// <summary>
/// The domain is ready again (a suspension ended early): the message's recipients waiting for it are
/// due at <paramref name="At"/> rather than at the retry time they were given. Recorded, so a
/// partition that moves or restarts keeps it.
/// </summary>
public sealed record RecipientsDue(string QueueId, string Domain, DateTimeOffset At) : IQueueEvent;

/// <summary>The maximum queue lifetime passed before the recipient was delivered.</summary>
public sealed record RecipientExpired(string QueueId, int Recipient, DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Completes = false) : ICompletingEvent
{
    public ICompletingEvent Completing() => this with { Completes = true };
}

/// <summary>A DSN about these recipients was queued as message <paramref name="DsnQueueId"/>.</summary>
public sealed record DsnQueued(string QueueId, DsnKind Kind, IReadOnlyList<int> Recipients, string DsnQueueId, DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Completes = false) : ICompletingEvent
{
    public ICompletingEvent Completing() => this with { Completes = true };
}

/// <summary>Every recipient is final and every DSN owed is queued: the message leaves the queue (when no event of the same turn could say so: <see cref="ICompletingEvent"/>).</summary>
public sealed record MessageCompleted(string QueueId, DateTimeOffset At) : IQueueEvent;
