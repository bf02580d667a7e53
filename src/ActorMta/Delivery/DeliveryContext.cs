using ActorMta.Contracts;
using System.Net;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Log;

namespace ActorMta.Delivery;

/// <summary>What every domain's delivery actor on a node shares: settings, the body store, the MX resolver, the delivery log, the clock.</summary>
/// <param name="QueuePartitions">How many queue partitions there are (a domain that is ready again tells each).</param>
/// <param name="WarmUp">This node's warm-up caps and counts, shared by every domain (null: no caps).</param>
/// <param name="OwnListeners">This node's SMTP listener endpoints: an MX that points at one of them is a mail loop.</param>
/// <param name="MtaSts">The node's MTA-STS policies (MX route); null: MTA-STS is not applied.</param>
public sealed record DeliveryContext(
    DeliverySettings Settings,
    IMessageBodyReader Bodies,
    IMailExchangerResolver Resolver,
    DeliveryLog Log,
    TimeProvider Clock,
    int QueuePartitions = 1,
    IReadOnlyList<IPEndPoint>? OwnListeners = null,
    Sts.MtaStsPolicies? MtaSts = null,
    WarmUp? WarmUp = null)
{
    /// <summary>Where the MX route may connect (no private networks unless allowed, not to this node itself).</summary>
    /// <remarks>Made from the current settings on each use (cheap), so a copy made with <c>with</c> never holds a stale one.</remarks>
    public DestinationPolicy Destinations => new(Settings.Destinations, Settings.Hostname, OwnListeners ?? []);
}
