using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Log;
using ActorMta.Queue.Bodies;

namespace ActorMta.Delivery;

/// <summary>What every domain's delivery actor on a node shares: settings, the body store, the MX resolver, the delivery log, the clock.</summary>
/// <param name="QueuePartitions">How many queue partitions there are (a domain that is ready again tells each).</param>
public sealed record DeliveryContext(
    DeliverySettings Settings,
    MessageBodyStore Bodies,
    IMailExchangerResolver Resolver,
    DeliveryLog Log,
    TimeProvider Clock,
    int QueuePartitions = 1);
