using System.Globalization;
using ActorMta.Contracts;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace ActorMta.Suppression;

/// <summary>Wires the suppression list into a node: the "suppression" shard region, a fixed number of <see cref="SuppressionShard"/>s.</summary>
public static class SuppressionStage
{
    public const string RegionName = "suppression";

    /// <summary>Registers the region as <see cref="SuppressionRegion"/>; call it before ingress and delivery, which look it up.</summary>
    public static AkkaConfigurationBuilder WithSuppression(this AkkaConfigurationBuilder akka, SuppressionSettings settings, TimeProvider clock) =>
        akka.WithShardRegion<SuppressionRegion>(RegionName,
                shard => SuppressionShard.Props(int.Parse(shard, CultureInfo.InvariantCulture), settings, clock),
                new ShardExtractor(),
                new ShardOptions
                {
                    // Shards come back after a move or a restart with no check needed to wake them (a check must not wait on recovery).
                    RememberEntities = true,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                })
            .WithActors((_, registry) =>
            {
                var region = registry.Get<SuppressionRegion>();
                for (var shard = 0; shard < settings.Shards; shard++) region.Tell(new SuppressionShard.Wake(shard), ActorRefs.NoSender);
            });

    /// <summary>One Akka shard per suppression shard, so they spread evenly over the nodes.</summary>
    private sealed class ShardExtractor : IMessageExtractor
    {
        public string? EntityId(object message) => message is IWithSuppressionShard routed ? routed.Shard.ToString(CultureInfo.InvariantCulture) : null;

        public object? EntityMessage(object message) => message;

        public string? ShardId(object message) => EntityId(message);

        public string ShardId(string entityId, object? messageHint = null) => entityId;
    }
}
