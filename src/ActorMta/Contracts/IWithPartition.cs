namespace ActorMta.Contracts;

/// <summary>Messages routed (by Akka.Cluster.Sharding) to the queue partition that owns a message.</summary>
public interface IWithPartition : IActorMtaSerializable
{
    int Partition { get; }
}
