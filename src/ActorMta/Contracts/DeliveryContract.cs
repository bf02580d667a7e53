using ActorMta.Smtp;

namespace ActorMta.Contracts;

/// <summary>Messages routed to the delivery actor of their destination domain.</summary>
public interface IWithDomain : IActorMtaSerializable
{
    string Domain { get; }
}

/// <summary>
/// The contract between the queue and delivery. A partition hands a domain's delivery actor one
/// message's recipients at that domain; the delivery actor answers with one report per request,
/// within the partition's lease (else the partition tries again). The body is read from the body
/// store by queue id, never carried in the request.
/// </summary>
/// <param name="Redispatch">Sent again because the delivery actor that held it was lost (its node died, or the
/// partition restarted): an earlier attempt may have reached the next hop, so a delivery may happen twice.</param>
/// <param name="Ret">MAIL RET= and <paramref name="EnvelopeId"/> MAIL ENVID= as the client gave them
/// (RFC 3461 4.3, 4.4): passed on to a next hop that offers DSN, so its DSNs still carry them.</param>
/// <param name="Pool">The egress pool the message asked for (<see cref="SmtpEnvelope.Pool"/>); null: the domain's own.</param>
public sealed record DeliveryRequest(
    string Domain,
    int Partition,
    string QueueId,
    long DispatchId,
    string ReversePath,
    IReadOnlyList<DeliveryRecipient> Recipients,
    BodyType BodyType,
    bool SmtpUtf8,
    long Size,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ExpiresAt,
    DsnReturn Ret = DsnReturn.Unspecified,
    string? EnvelopeId = null,
    bool Redispatch = false,
    string? Pool = null) : IWithDomain;

/// <param name="Index">The recipient's position in the message's envelope; reports refer to it.</param>
/// <param name="Attempt">This is the recipient's n-th attempt (1 for the first), as persisted by the partition.</param>
public sealed record DeliveryRecipient(int Index, string Address, DsnNotify Notify, string? OriginalRecipient, int Attempt);

/// <param name="Repeat">The same report again, for a request that came again after it was answered (never counted twice).</param>
public sealed record DeliveryReport(int Partition, string QueueId, long DispatchId, IReadOnlyList<RecipientResult> Results, bool Repeat = false) : IWithPartition;

/// <summary>
/// The delivery actor now holds these dispatches of the partition (the sender is that actor: the
/// partition watches it, and sends the dispatches again at once if it stops or its node is lost).
/// A dispatch that is not claimed soon is sent again: requests are idempotent by dispatch id.
/// </summary>
public sealed record DeliveryClaimed(int Partition, IReadOnlyList<long> DispatchIds) : IWithPartition;

/// <summary>The domain may be tried again now (a suspension was lifted early): the partition's waiting recipients there are due.</summary>
public sealed record DomainReady(int Partition, string Domain) : IWithPartition;

/// <summary>Returned: handed back without an attempt (the delivery actor is stopping or moving); the partition sends the
/// same dispatch again (no further attempt counted, no retry delay) to wherever the domain's actor runs next.</summary>
public enum DeliveryOutcome { Delivered, Deferred, Failed, Returned }

/// <param name="Reply">What the remote server (or our own resolution/policy, with code and text in SMTP form) said.</param>
/// <param name="RemoteHost">The MX host name tried, when a connection was made.</param>
/// <param name="RetryNotBefore">For a deferral: the earliest retry the domain allows (e.g. while it is suspended).</param>
public sealed record RecipientResult(
    int Index,
    DeliveryOutcome Outcome,
    RemoteReply Reply,
    string? RemoteHost = null,
    string? RemoteAddress = null,
    bool Tls = false,
    DateTimeOffset? RetryNotBefore = null);

/// <summary>An SMTP reply in the form DSNs and logs need: code, RFC 3463 enhanced code, text.</summary>
public sealed record RemoteReply(int Code, string? EnhancedCode, string Text)
{
    public override string ToString() => EnhancedCode is null ? $"{Code} {Text}" : $"{Code} {EnhancedCode} {Text}";
}
