using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Smtp;
using ActorMta.Queue.Partition;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>
/// A partition asks for a DSN (RFC 3464) about some of a message's recipients. The bounce stage
/// builds it from the envelope and the stored body (RET=HDRS/FULL), queues it as a new message
/// with a null reverse-path to the original sender, and answers the partition with
/// <see cref="QueuePartition.DsnEnqueued"/> or <see cref="QueuePartition.DsnNotEnqueued"/>.
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
