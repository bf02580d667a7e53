using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;
using ActorMta.Contracts;

namespace ActorMta.Serialization;

/// <summary>
/// JSON (System.Text.Json, source-generated) for events, snapshots and cluster messages, keyed
/// by a short stable name per type: readable in the database, tolerant of added fields, and
/// independent of .NET type names, which may move between folders.
/// </summary>
public sealed class ActorMtaSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 4711;

    private static readonly FrozenDictionary<string, JsonTypeInfo> ByName = WireTypes.All.ToFrozenDictionary(t => t.Name, t => t.Info);
    private static readonly FrozenDictionary<Type, string> NameOf = WireTypes.All.ToFrozenDictionary(t => t.Info.Type, t => t.Name);

    public override string Manifest(object o) =>
        NameOf.TryGetValue(o.GetType(), out var name) ? name : throw new ArgumentException($"{o.GetType()} has no wire name in {nameof(WireTypes)}");

    public override byte[] ToBinary(object obj) => obj switch
    {
        PartitionSnapshotBytes snapshot => snapshot.Json,
        _ => JsonSerializer.SerializeToUtf8Bytes(obj, ByName[Manifest(obj)]),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == WireTypes.SnapshotName) return new PartitionSnapshotBytes(bytes);
        if (!ByName.TryGetValue(manifest, out var info)) throw new SerializationException($"unknown ActorMta message type '{manifest}'");
        return JsonSerializer.Deserialize(bytes, info) ?? throw new SerializationException($"empty '{manifest}'");
    }

    /// <summary>The HOCON that routes every <see cref="IActorMtaSerializable"/> through this serializer.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.actormta = "ActorMta.Serialization.ActorMtaSerializer, ActorMta"
          serialization-bindings { "ActorMta.IActorMtaSerializable, ActorMta" = actormta }
        }
        """;
}

/// <summary>Every type on the wire and its stable name. A new message type is added here (a test checks).</summary>
public static class WireTypes
{
    public const string SnapshotName = "partition-snapshot";

    public static readonly IReadOnlyList<(string Name, JsonTypeInfo Info)> All =
    [
        ("message-accepted", WireJsonContext.Default.MessageAccepted),
        ("attempt-started", WireJsonContext.Default.AttemptStarted),
        ("recipient-delivered", WireJsonContext.Default.RecipientDelivered),
        ("recipient-deferred", WireJsonContext.Default.RecipientDeferred),
        ("recipient-failed", WireJsonContext.Default.RecipientFailed),
        ("recipient-expired", WireJsonContext.Default.RecipientExpired),
        ("dsn-queued", WireJsonContext.Default.DsnQueued),
        ("message-completed", WireJsonContext.Default.MessageCompleted),
        ("recipients-due", WireJsonContext.Default.RecipientsDue),
        (SnapshotName, WireJsonContext.Default.PartitionSnapshotBytes),
        ("accept-batch", WireJsonContext.Default.AcceptBatch),
        ("batch-accepted", WireJsonContext.Default.BatchAccepted),
        ("batch-not-accepted", WireJsonContext.Default.BatchNotAccepted),
        ("wake", WireJsonContext.Default.Wake),
        ("dsn-enqueued", WireJsonContext.Default.DsnEnqueued),
        ("dsn-not-enqueued", WireJsonContext.Default.DsnNotEnqueued),
        ("get-message", WireJsonContext.Default.GetMessage),
        ("message-details", WireJsonContext.Default.MessageDetails),
        ("message-not-found", WireJsonContext.Default.MessageNotFound),
        ("get-counts", WireJsonContext.Default.GetCounts),
        ("partition-counts", WireJsonContext.Default.PartitionCounts),
        ("delivery-request", WireJsonContext.Default.DeliveryRequest),
        ("delivery-report", WireJsonContext.Default.DeliveryReport),
        ("delivery-claimed", WireJsonContext.Default.DeliveryClaimed),
        ("domain-ready", WireJsonContext.Default.DomainReady),
        ("domain-backoff-recorded", WireJsonContext.Default.DomainBackoffRecorded),
        ("domain-get-status", WireJsonContext.Default.GetStatus),
        ("domain-suspend", WireJsonContext.Default.Suspend),
        ("domain-resume", WireJsonContext.Default.Resume),
        ("domain-status", WireJsonContext.Default.DomainStatus),
        ("partition-retry-now", WireJsonContext.Default.RetryNow),
        ("domain-retry-now", WireJsonContext.Default.DomainDeliveryRetryNow),
        ("domain-bounce", WireJsonContext.Default.Bounce),
        ("domain-cancel-bounce", WireJsonContext.Default.CancelBounce),
        ("partition-bounce-message", WireJsonContext.Default.BounceMessage),
        ("message-bounced", WireJsonContext.Default.MessageBounced),
        .. ActorMta.Suppression.SuppressionWire.Types,
        .. ActorMta.Delivery.Sts.TlsReportWire.Types,
    ];
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessageAccepted))]
[JsonSerializable(typeof(AttemptStarted))]
[JsonSerializable(typeof(RecipientDelivered))]
[JsonSerializable(typeof(RecipientDeferred))]
[JsonSerializable(typeof(RecipientFailed))]
[JsonSerializable(typeof(RecipientExpired))]
[JsonSerializable(typeof(DsnQueued))]
[JsonSerializable(typeof(MessageCompleted))]
[JsonSerializable(typeof(RecipientsDue))]
[JsonSerializable(typeof(PartitionSnapshotBytes))]
[JsonSerializable(typeof(QueuePartition.AcceptBatch))]
[JsonSerializable(typeof(QueuePartition.BatchAccepted))]
[JsonSerializable(typeof(QueuePartition.BatchNotAccepted))]
[JsonSerializable(typeof(QueuePartition.Wake))]
[JsonSerializable(typeof(DsnEnqueued))]
[JsonSerializable(typeof(DsnNotEnqueued))]
[JsonSerializable(typeof(QueuePartition.GetMessage))]
[JsonSerializable(typeof(QueuePartition.MessageDetails))]
[JsonSerializable(typeof(QueuePartition.MessageNotFound))]
[JsonSerializable(typeof(QueuePartition.GetCounts))]
[JsonSerializable(typeof(QueuePartition.PartitionCounts))]
[JsonSerializable(typeof(DeliveryRequest))]
[JsonSerializable(typeof(DeliveryReport))]
[JsonSerializable(typeof(DeliveryClaimed))]
[JsonSerializable(typeof(DomainReady))]
[JsonSerializable(typeof(DomainBackoffRecorded))]
[JsonSerializable(typeof(DomainDelivery.GetStatus))]
[JsonSerializable(typeof(DomainDelivery.Suspend))]
[JsonSerializable(typeof(DomainDelivery.Resume))]
[JsonSerializable(typeof(DomainDelivery.DomainStatus))]
[JsonSerializable(typeof(QueuePartition.RetryNow))]
[JsonSerializable(typeof(DomainDelivery.RetryNow), TypeInfoPropertyName = "DomainDeliveryRetryNow")]
[JsonSerializable(typeof(DomainDelivery.Bounce))]
[JsonSerializable(typeof(DomainDelivery.CancelBounce))]
[JsonSerializable(typeof(QueuePartition.BounceMessage))]
[JsonSerializable(typeof(QueuePartition.MessageBounced))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
