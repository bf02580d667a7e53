using Akka.Cluster.Sharding;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Sharding;

/// <summary>
/// Routes <see cref="IWithDomain"/> messages to the domain's delivery actor: entity id = domain,
/// shard = a stable hash of it (Akka's MurmurHash, the same on every node). Sharding's own
/// StartEntity is handled by the base class.
/// </summary>
public sealed class DomainMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message is IWithDomain routed ? routed.Domain : null;
}
