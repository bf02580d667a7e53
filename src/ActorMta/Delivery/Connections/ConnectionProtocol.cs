using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// Between a domain's delivery actor and its connection children (node-local, never serialized).
/// A child opens its session on start and answers <see cref="Opened"/> or <see cref="OpenFailed"/>
/// (then stops); it carries one <see cref="Transmit"/> at a time and answers <see cref="Transmitted"/>;
/// <see cref="Close"/> ends it politely.
/// </summary>
public static class ConnectionProtocol
{
    /// <param name="Sts">How the session fared against the domain's MTA-STS policy (null: none applies).</param>
    public sealed record Opened(string Host, string Address, bool Tls, Sts.StsOutcome? Sts = null);

    /// <param name="Reply">What to report for recipients that cannot go out now (a 4xx: deferred, unless <paramref name="Permanent"/>).</param>
    /// <param name="Signal">What the server itself said, if anything: for reply patterns and backoff.</param>
    /// <param name="Permanent">Every next hop that answered is this node itself (a mail loop, 5.4.6): fail the waiting mail.</param>
    /// <param name="Sts">Set when the last host failed the domain's enforced MTA-STS policy (its certificate or STARTTLS).</param>
    public sealed record OpenFailed(RemoteReply Reply, RemoteReply? Signal, bool Permanent = false, Sts.StsOutcome? Sts = null);

    public sealed record Transmit(DeliveryRequest Request);

    /// <param name="Signal">The reply that tells how the domain is doing (the first refusal, else the acceptance); null when none came.</param>
    /// <param name="Usable">False when the connection broke or the server closed it: it is stopping.</param>
    public sealed record Transmitted(DeliveryRequest Request, IReadOnlyList<RecipientResult> Results, RemoteReply? Signal, bool Usable);

    public sealed record Close
    {
        public static readonly Close Instance = new();
    }

    /// <summary>A connection actor's props for the domain's route.</summary>
    public delegate Props Factory(IReadOnlyList<NextHop> hops, Egress.EgressSource source);
}
