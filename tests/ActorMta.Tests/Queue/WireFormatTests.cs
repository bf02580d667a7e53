using ActorMta.Delivery;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using ActorMta.Serialization;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.Serialization;
using ActorMta.Contracts;

namespace ActorMta.Tests.Queue;

/// <summary>Everything that crosses the journal or the cluster goes through ActorMta's serializer and comes back equal.</summary>
public sealed class WireFormatTests : Akka.TestKit.Xunit2.TestKit
{
    public WireFormatTests() : base(ActorMtaSerializer.Hocon) { }

    private static readonly SmtpEnvelope SampleEnvelope = new(
        "alice@src.example",
        [new EnvelopeRecipient("bob@dest.example", DsnNotify.Success | DsnNotify.Failure, "rfc822;bob@dest.example"), new EnvelopeRecipient("ça@dést.example")],
        BodyType.EightBitMime, SmtpUtf8: true, DsnReturn.Headers, "envid-1",
        new SubmittingClient("127.0.0.9", "client.example", "submission", "alice", "Tls13", "TLS_AES_256_GCM_SHA384"),
        DateTimeOffset.Parse("2026-11-28T10:00:00Z"));

    public static TheoryData<object> Samples() => new()
    {
        new MessageAccepted("Q1", SampleEnvelope, 1234, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(5)),
        new AttemptStarted("Q1", 7, [0, 1], DateTimeOffset.UnixEpoch),
        new RecipientDelivered("Q1", 0, new RemoteReply(250, "2.0.0", "ok"), "mx.dest.example", DateTimeOffset.UnixEpoch),
        new RecipientDeferred("Q1", 1, new RemoteReply(451, null, "later"), null, DateTimeOffset.UnixEpoch.AddMinutes(5), DateTimeOffset.UnixEpoch),
        new RecipientFailed("Q1", 1, new RemoteReply(550, "5.1.1", "unknown"), "mx", DateTimeOffset.UnixEpoch),
        new RecipientExpired("Q1", 1, DateTimeOffset.UnixEpoch),
        new DsnQueued("Q1", DsnKind.Failure, [1], "Q2", DateTimeOffset.UnixEpoch),
        new MessageCompleted("Q1", DateTimeOffset.UnixEpoch),
        new RecipientDelivered("Q1", 0, new RemoteReply(250, "2.0.0", "ok"), "mx.dest.example", DateTimeOffset.UnixEpoch, Completes: true),
        new RecipientFailed("Q1", 1, new RemoteReply(550, "5.1.1", "unknown"), "mx", DateTimeOffset.UnixEpoch, Completes: true),
        new RecipientExpired("Q1", 1, DateTimeOffset.UnixEpoch, Completes: true),
        new DsnQueued("Q1", DsnKind.Failure, [1], "Q2", DateTimeOffset.UnixEpoch, Completes: true),
        new QueuePartition.Wake(3),
        new QueuePartition.GetCounts(3),
        new QueuePartition.GetMessage(3, "Q1"),
        new QueuePartition.MessageNotFound("Q1"),
        new DsnNotEnqueued(3, "Q1", DsnKind.Delay, "store down"),
        new ActorMta.Delivery.Sts.TlsReportCounts.GetCounts("dest.example", new DateOnly(2030, 1, 10)),
        new ActorMta.Delivery.Sts.TlsReportCounts.Counts([new ActorMta.Delivery.Sts.TlsPolicyCounts(new DateOnly(2030, 1, 10), "dest.example",
            "version: STSv1\r\nmode: enforce", ["*.dest.example"], 3, [new ActorMta.Delivery.Sts.TlsFailureCount("certificate-expired", null, "mx1.dest.example", "192.0.2.1", null, 2)])]),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Round_trips_through_the_ActorMta_serializer(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ActorMtaSerializer>(serializer);
        var manifest = Manifest(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.IsType(message.GetType(), back);
        // Records holding lists compare lists by reference: compare what they serialize to instead.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    [Fact]
    public void Messages_with_lists_round_trip_with_their_contents()
    {
        var batch = new QueuePartition.AcceptBatch(2, [new QueuePartition.AcceptedEnvelope("Q1", SampleEnvelope, 10, TimeSpan.FromSeconds(14))]).Received(DateTimeOffset.UnixEpoch.AddDays(1));
        var back = RoundTrip(batch);
        // The time left crosses the wire; a deadline would be on the sender's clock, so none does.
        Assert.Equal(TimeSpan.FromSeconds(14), back.Messages.Single().TimeLeft);
        Assert.Equal(default, back.Messages.Single().Deadline);
        Assert.Equal(SampleEnvelope.Recipients, back.Messages.Single().Envelope.Recipients);
        Assert.Equal(SampleEnvelope.Client, back.Messages.Single().Envelope.Client);

        var request = new DeliveryRequest("dest.example", 2, "Q1", 9, "alice@src.example",
            [new DeliveryRecipient(0, "bob@dest.example", DsnNotify.Delay, null, 3)], BodyType.EightBitMime, false, 100, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            DsnReturn.Full, "ENV-1");
        var requestBack = RoundTrip(request);
        Assert.Equal(request.Recipients, requestBack.Recipients);
        Assert.Equal((DsnReturn.Full, "ENV-1"), (requestBack.Ret, requestBack.EnvelopeId));

        var report = new DeliveryReport(2, "Q1", 9, [new RecipientResult(0, DeliveryOutcome.Deferred, new RemoteReply(421, "4.7.0", "slow down"), "mx", "127.0.0.1", true, DateTimeOffset.UnixEpoch)]);
        Assert.Equal(report.Results, RoundTrip(report).Results);
    }

    [Fact]
    public void A_completion_folded_into_an_event_is_written_only_when_set_and_old_events_read_without_it()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new MessageCompleted("Q1", DateTimeOffset.UnixEpoch));
        var plain = new RecipientDelivered("Q1", 0, new RemoteReply(250, "2.0.0", "ok"), "mx", DateTimeOffset.UnixEpoch);
        var plainJson = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(plain));
        // Events written before the fold existed are byte for byte what is written now when it is not set.
        Assert.DoesNotContain("ompletes", plainJson);
        var old = (RecipientDelivered)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(plainJson), serializer.Manifest(plain));
        Assert.False(old.Completes);

        var folded = plain with { Completes = true };
        Assert.Equal(serializer.Manifest(plain), serializer.Manifest(folded));
        Assert.True(((RecipientDelivered)serializer.FromBinary(serializer.ToBinary(folded), serializer.Manifest(folded))).Completes);
    }

    [Fact]
    public void Every_serializable_type_has_a_wire_name()
    {
        var named = WireTypes.All.Select(t => t.Info.Type).ToHashSet();
        var serializable = typeof(IActorMtaSerializable).Assembly.GetTypes()
            .Where(t => typeof(IActorMtaSerializable).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToArray();
        Assert.NotEmpty(serializable);
        Assert.All(serializable, t => Assert.Contains(t, named));
        Assert.Equal(WireTypes.All.Count, WireTypes.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void A_message_accepted_before_envelopes_had_a_pool_reads_with_none_and_a_pool_travels_to_delivery()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new MessageAccepted("Q1", SampleEnvelope, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        // As written before SmtpEnvelope.Pool existed (no "Pool" property at all).
        var old = """{"QueueId":"Q1","Envelope":{"ReversePath":"a@src.example","Recipients":[{"Address":"b@dest.example","Notify":"Unspecified"}],"BodyType":"Unspecified","SmtpUtf8":false,"Ret":"Unspecified","Client":{"Address":"127.0.0.1","HeloName":"c.example","Listener":"relay"},"ReceivedAt":"2026-11-28T10:00:00+00:00"},"Size":5,"AcceptedAt":"2026-11-28T10:00:00+00:00","ExpiresAt":"2026-12-03T10:00:00+00:00"}""";
        var back = (MessageAccepted)Sys.Serialization.Deserialize(System.Text.Encoding.UTF8.GetBytes(old), serializer.Identifier, "message-accepted");
        Assert.Null(back.Envelope.Pool);
        Assert.Equal("b@dest.example", Assert.Single(back.Envelope.Recipients).Address);

        var withPool = RoundTrip(new MessageAccepted("Q1", SampleEnvelope with { Pool = "transactional" }, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        Assert.Equal("transactional", withPool.Envelope.Pool);
        var request = new DeliveryRequest("dest.example", 2, "Q1", 9, "alice@src.example", [], BodyType.EightBitMime, false, 100,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, Pool: "transactional");
        Assert.Equal("transactional", RoundTrip(request).Pool);
    }

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        return (T)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Manifest(serializer, message));
    }

    private static string Manifest(Serializer serializer, object message) =>
        serializer is SerializerWithStringManifest withManifest ? withManifest.Manifest(message) : "";
}
