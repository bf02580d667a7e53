using System.Collections.Immutable;

namespace ActorMta.Delivery.Dns;

/// <summary>
/// The outcome of resolving a destination domain: where to connect, or why not and whether trying again later can help.
/// The enhanced status codes (RFC 3463) are ready for the delivery result and the DSN.
/// </summary>
public abstract record MailExchangerResolution
{
    private MailExchangerResolution(string domain) => Domain = domain;

    /// <summary>The domain as queried (lower case, A-labels, no trailing dot).</summary>
    public string Domain { get; }

    /// <summary>Mail exchangers in the order to try them: by preference, equal preferences shuffled per call.</summary>
    public sealed record Resolved(string Domain, ImmutableArray<MailExchanger> MailExchangers, MailExchangerSource Source)
        : MailExchangerResolution(Domain);

    /// <summary>Mail for this domain cannot be delivered: bounce, and do not connect anywhere.</summary>
    public sealed record PermanentFailure(string Domain, ResolutionFailure Failure, string EnhancedStatusCode, string Reason)
        : MailExchangerResolution(Domain);

    /// <summary>DNS could not tell where to deliver right now: defer and retry.</summary>
    public sealed record TemporaryFailure(string Domain, ResolutionFailure Failure, string EnhancedStatusCode, string Reason)
        : MailExchangerResolution(Domain);
}
