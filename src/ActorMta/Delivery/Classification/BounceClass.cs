namespace ActorMta.Delivery.Classification;

/// <summary>
/// KumoMTA's bounce classes, so reports and tools written for it read ours. Rules files may name other
/// classes too (operators' own); those are kept as written.
/// </summary>
public static class BounceClass
{
    public const string Uncategorized = "Uncategorized";

    /// <summary>Not a reply's class: KumoMTA's record type for recipients an operator bounced (POST /api/admin/bounce/v1).</summary>
    public const string AdminBounce = Contracts.AdminBounce.Class;

    public static readonly IReadOnlyList<string> Predefined =
    [
        "InvalidRecipient", "DNSFailure", "SpamBlock", "SpamContent", "ProhibitedAttachment", "RelayDenied", "AutoReply",
        "TransientFailure", "Subscribe", "Unsubscribe", "ChallengeResponse", "BadConfiguration", "BadConnection", "BadDomain",
        "ContentRelated", "InactiveMailbox", "InvalidSender", "MessageExpired", "NoAnswerFromHost", "PolicyRelated", "ProtocolErrors",
        "QuotaIssues", "RelayingIssues", "RoutingErrors", "SpamRelated", "VirusRelated", "AuthenticationFailed", "TooManyRecipients",
        Uncategorized,
    ];
}
