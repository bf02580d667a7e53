using ActorMta.Contracts;
using System.Net;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Log;
using ActorMta.Delivery.Sharding;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace ActorMta.Delivery;

/// <summary>Wires delivery into a node: the "domain-delivery" shard region, one <see cref="DomainDelivery"/> per domain in the fleet.</summary>
public static class DeliveryStage
{
    public const string RegionName = "domain-delivery";

    /// <summary>
    /// Registers the region as <see cref="DomainDelivery"/> in the actor registry. Call it before
    /// WithQueue: partitions look the region up when they start. Reports go to the queue's region.
    /// <paramref name="ownListeners"/> are this node's SMTP endpoints: an MX pointing at one is a mail loop; <paramref name="warmUp"/>: this node's warm-up caps and counts.
    /// </summary>
    public static AkkaConfigurationBuilder WithDelivery(
        this AkkaConfigurationBuilder akka,
        DeliverySettings settings,
        int partitions,
        IMessageBodyReader bodies,
        DeliveryLog log,
        TimeProvider clock,
        IReadOnlyList<IPEndPoint> ownListeners,
        Sts.MtaStsPolicies? mtaSts = null,
        Egress.WarmUp? warmUp = null)
    {
        var context = new DeliveryContext(settings, bodies, new MailExchangerResolver(settings.Dns, clock), log, clock, partitions, ownListeners, mtaSts, warmUp);
        return akka.WithShardRegion<DomainDelivery>(RegionName,
            (_, registry) => domain => DomainDelivery.Props(domain, context, registry.Get<QueueRegion>()),
            new DomainMessageExtractor(settings.Shards),
            new ShardOptions
            {
                // Remembered, so a suspended or throttled domain comes back by itself after a move or a node's loss
                // (its state is in the journal); idle actors passivate themselves and are forgotten.
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = DomainDelivery.HandOff.Instance,
            });
    }
}
