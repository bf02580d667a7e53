using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using ActorMta.Queue.Sharding;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using ActorMta.Contracts;

namespace ActorMta.Queue;

/// <summary>Wires the queue into a node: the sharded partitions and this node's intake.</summary>
public static class QueueStage
{
    public const string RegionName = "queue-partition";

    /// <param name="delivery">Where partitions send <see cref="Contracts.DeliveryRequest"/>s (resolved when a partition starts).</param>
    /// <param name="bounces">Where partitions send <see cref="Bounces.DsnRequest"/>s.</param>
    /// <param name="log">The node's delivery log (a partition logs the recipients of a message an operator bounces).</param>
    /// <param name="dkim">Signs accepted messages (its settings and keys may change while the node runs).</param>
    public static AkkaConfigurationBuilder WithQueue(
        this AkkaConfigurationBuilder akka,
        QueueSettings settings,
        MessageBodyStore bodies,
        TimeProvider clock,
        Func<IActorRegistry, IActorRef> delivery,
        Func<IActorRegistry, IActorRef> bounces,
        IAdminBounceLog? log = null,
        Dkim.DkimMessageSigner? dkim = null)
    {
        return akka
            .WithShardRegion<QueueRegion>(RegionName,
                (_, registry, _) => entityId =>
                {
                    var partition = int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture);
                    return PartitionSupervisor.Props(partition,
                        QueuePartition.Props(partition, settings, delivery(registry), bounces(registry), bodies, clock, log), clock);
                },
                new PartitionMessageExtractor(),
                new ShardOptions
                {
                    // Partitions come back after a restart or on another node with no traffic to wake them.
                    RememberEntities = true,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    HandOffStopMessage = PartitionSupervisor.HandOff.Instance,
                })
            .WithActors((system, registry) =>
            {
                var partitions = registry.Get<QueueRegion>();
                registry.Register<QueueIntake>(system.ActorOf(QueueIntake.Props(settings, bodies, partitions, clock, dkim), "queue-intake"));
                // Belt and braces beside remember-entities: every partition runs from the first start on.
                for (var partition = 0; partition < settings.Partitions; partition++)
                    partitions.Tell(new QueuePartition.Wake(partition));
            });
    }
}
