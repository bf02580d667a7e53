using System.Text.Json;
using System.Text.Json.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ActorMta.Queue.Partition;

/// <summary>A partition snapshot, serialized inside the partition (its state is mutable) and stored as is.</summary>
public sealed record PartitionSnapshotBytes(byte[] Json) : IActorMtaSerializable;

/// <summary>
/// The snapshot's JSON: the queue's own format, beside the state it describes. Options as the node's wire
/// serializer's (enums as strings, nulls left out), so snapshots written before it moved here read the same.
/// </summary>
public static class PartitionSnapshotJson
{
    public static byte[] Serialize(PartitionSnapshot snapshot) => JsonSerializer.SerializeToUtf8Bytes(snapshot, SnapshotJsonContext.Default.PartitionSnapshot);

    public static PartitionSnapshot Deserialize(byte[] json) =>
        JsonSerializer.Deserialize(json, SnapshotJsonContext.Default.PartitionSnapshot) ?? throw new SerializationException("empty partition snapshot");
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PartitionSnapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
