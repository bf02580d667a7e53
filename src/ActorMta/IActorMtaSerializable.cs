namespace ActorMta;

/// <summary>
/// Marks what crosses the journal or the cluster: queue events, snapshots, and the messages
/// between nodes. All of it goes through <see cref="Serialization.ActorMtaSerializer"/> (JSON, by a fixed type
/// name), never through Akka's default serializer.
/// </summary>
public interface IActorMtaSerializable;
