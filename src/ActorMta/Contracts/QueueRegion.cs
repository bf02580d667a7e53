namespace ActorMta.Contracts;

/// <summary>
/// The actor registry's key for the queue partitions' shard region: stages that send to partitions
/// (delivery reports, DSN answers, operator queries) look it up by this, not by the partition actor's type.
/// </summary>
public sealed class QueueRegion
{
    private QueueRegion()
    {
    }
}
