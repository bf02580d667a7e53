using ActorMta.Contracts;
namespace ActorMta.Delivery.Log;

/// <summary>One attempt outcome for one recipient: a line of the delivery log.</summary>
/// <param name="MxHost">The host tried (MX, static host, smarthost; "maildir"); null when no connection was made.</param>
/// <param name="Route">mx | static | smarthost | maildir.</param>
/// <param name="Source">The egress source the connection came from, if one was made.</param>
/// <param name="Redispatch">The request was sent again after the delivery actor holding it was lost (a possible duplicate).</param>
/// <param name="BounceClass">Set by whoever decided the outcome (an operator's admin bounce); null: classified from the reply.</param>
/// <param name="Pool">The named egress pool (actormta.delivery.egress-pools) the message goes out from; null: the domain's plain egress list.</param>
/// <param name="MtaSts">The destination's MTA-STS mode and the session's result against it; null when no policy applied.</param>
public sealed record DeliveryLogEntry(
    DateTimeOffset Time,
    string QueueId,
    string Sender,
    string Recipient,
    string Domain,
    string? MxHost,
    string? MxAddress,
    bool Tls,
    RemoteReply Reply,
    int Attempt,
    TimeSpan TimeInQueue,
    DeliveryOutcome Outcome,
    string Route,
    string? Source,
    bool Redispatch = false,
    string? BounceClass = null,
    Sts.StsOutcome? MtaSts = null,
    string? Pool = null);
