using ActorMta.Smtp;

namespace ActorMta.Contracts;

/// <summary>
/// A partition asks for a DSN (RFC 3464) about some of a message's recipients. The bounce stage
/// builds it from the envelope and the stored body (RET=HDRS/FULL), queues it as a new message
/// with a null reverse-path to the original sender, and answers the partition with
/// <see cref="DsnEnqueued"/> or <see cref="DsnNotEnqueued"/>.
/// Never asked for a message whose reverse-path is null.
/// </summary>
public sealed record DsnRequest(
    int Partition,
    string QueueId,
    DsnKind Kind,
    SmtpEnvelope Envelope,
    long Size,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<DsnRecipient> Recipients);

/// <param name="Index">The recipient's position in the envelope, echoed in the answer.</param>
/// <param name="LastReply">The reply that decided (or, for a delay, the latest) outcome; null if no server answered.</param>
/// <param name="At">When the recipient was delivered/failed/expired, or the time of the delay report.</param>
public sealed record DsnRecipient(
    int Index,
    EnvelopeRecipient Recipient,
    RecipientStatus Status,
    RemoteReply? LastReply,
    string? RemoteHost,
    int Attempts,
    DateTimeOffset At);

/// <summary>Which DSN: RFC 3464's failed, delayed or delivered (the action).</summary>
public enum DsnKind { Failure, Delay, Success }

/// <summary>A recipient's state in the queue, as DSNs and the queue API report it.</summary>
public enum RecipientStatus { Pending, InFlight, Delivered, Deferred, Failed, Expired }

/// <summary>The bounce stage's answer: the DSN is queued (as <paramref name="DsnQueueId"/>) for these recipients.</summary>
public sealed record DsnEnqueued(int Partition, string QueueId, DsnKind Kind, IReadOnlyList<int> Recipients, string DsnQueueId) : IWithPartition;

/// <summary>The bounce stage's answer: no DSN was queued, and why; the partition asks again later.</summary>
public sealed record DsnNotEnqueued(int Partition, string QueueId, DsnKind Kind, string Reason) : IWithPartition;
