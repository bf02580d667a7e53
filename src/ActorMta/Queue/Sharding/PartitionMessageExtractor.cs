using System.Globalization;
using Akka.Cluster.Sharding;
using ActorMta.Contracts;

namespace ActorMta.Queue.Sharding;

/// <summary>
/// Routes <see cref="IWithPartition"/> messages to their partition. One shard per partition, so
/// partitions spread evenly over the nodes (and move one by one when a node comes or goes).
/// Sharding's own StartEntity (remember-entities) is handled by Akka through <see cref="ShardId(string, object?)"/>.
/// </summary>
public sealed class PartitionMessageExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message switch
    {
        IWithPartition routed => Id(routed.Partition),
        _ => null,
    };

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;

    public static string Id(int partition) => partition.ToString(CultureInfo.InvariantCulture);
}
