using System.Text;
using ActorMta.Host;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ActorMta.Contracts;

namespace ActorMta.IntegrationTests.Bounces;

/// <summary>
/// The bounce stage in a real node: a message that expires (delivery paused) gets a failure DSN,
/// queued through the real intake into the real queue; the original then completes, and the DSN,
/// whose reverse-path is null, expires in turn without causing another DSN.
/// </summary>
public sealed class BounceThroughNodeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();
    private readonly string _operatorFile = Path.GetTempFileName();

    [Fact]
    public async Task An_expired_message_is_bounced_to_its_sender_and_the_bounce_never_bounces()
    {
        File.WriteAllText(_operatorFile, """
            actormta.queue.partitions = 2
            actormta.queue.max-lifetime = 3s
            actormta.delivery.paused = on
            """);
        var environment = TestNode.IsolatedEnvironment(_data.Path);
        environment["ACTORMTA_HOSTNAME"] = "mx.bounce-test.example";
        await using var node = await ActorMtaNode.StartAsync(TestNode.Settings(environment, _operatorFile), CancellationToken.None);
        var registry = node.Services.GetRequiredService<ActorRegistry>();
        var intake = await registry.GetAsync<QueueIntake>();
        var partitions = await registry.GetAsync<QueueRegion>();
        var bodies = node.Services.GetRequiredService<MessageBodyStore>();

        var envelope = new SmtpEnvelope("sender@origin.example", [new EnvelopeRecipient("rcpt@dest.example", DsnNotify.Unspecified, "rfc822;list@origin.example")],
            BodyType.SevenBit, false, DsnReturn.Full, "ENV-42", new SubmittingClient("127.0.0.1", "client.example", "relay"), DateTimeOffset.UtcNow);
        var original = "From: <sender@origin.example>\r\nTo: <rcpt@dest.example>\r\nSubject: will expire\r\n\r\nHello\r\n"u8.ToArray();
        var queued = await intake.Ask<QueueIntake.Enqueued>(new QueueIntake.Enqueue(envelope, original), TimeSpan.FromSeconds(30));

        // The original expires, the partition asks for a DSN, the bounce stage queues it.
        var history = await Eventually.Returns(() => Describe(partitions, queued.QueueId),
            details => details.History.Any(h => h.Event == "dsn"), Patience, "a DSN queued for the expired message");
        var dsnQueueId = history.History.First(h => h.Event == "dsn").Detail.Split(' ')[4];
        Assert.StartsWith("failure DSN queued as ", history.History.First(h => h.Event == "dsn").Detail);

        // Its body is in the store until the DSN itself expires (3s after it was queued).
        var dsnBody = await bodies.ReadAsync(dsnQueueId, CancellationToken.None);
        Assert.NotNull(dsnBody);
        var dsn = MimeMessage.Load(new MemoryStream(dsnBody));
        Assert.Equal("MAILER-DAEMON@mx.bounce-test.example", Assert.IsType<MailboxAddress>(Assert.Single(dsn.From)).Address);
        Assert.Equal("sender@origin.example", Assert.IsType<MailboxAddress>(Assert.Single(dsn.To)).Address);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        Assert.Equal("dns; mx.bounce-test.example", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("ENV-42", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.Equal("rfc822; list@origin.example", status.StatusGroups[1]["Original-Recipient"]);
        Assert.Equal("rfc822; rcpt@dest.example", status.StatusGroups[1]["Final-Recipient"]);
        Assert.Equal("failed", status.StatusGroups[1]["Action"]);
        Assert.Equal("4.4.7", status.StatusGroups[1]["Status"]);
        Assert.True(Encoding.UTF8.GetString(dsnBody).Contains(Encoding.UTF8.GetString(original)), "RET=FULL returns the original");

        // The original completes now that its DSN is queued.
        await Eventually.True(async () => (await Describe(partitions, queued.QueueId)).State == "completed", Patience, "the original completing");

        // The DSN: null reverse-path, to the sender, NOTIFY=NEVER; it expires too (delivery paused) and completes with no DSN of its own.
        var bounce = await Eventually.Returns(() => Describe(partitions, dsnQueueId), details => details.State == "completed", Patience, "the DSN expiring and completing");
        Assert.Equal("", bounce.Envelope.ReversePath);
        Assert.Equal(("sender@origin.example", DsnNotify.Never), (bounce.Envelope.Recipients[0].Address, bounce.Envelope.Recipients[0].Notify));
        Assert.DoesNotContain(bounce.History, h => h.Event == "dsn");
    }

    private static async Task<QueuePartition.MessageDetails> Describe(IActorRef partitions, string queueId)
    {
        Assert.True(QueueId.TryGetPartition(queueId, out var partition), $"not a queue id: {queueId}");
        return await partitions.Ask<QueuePartition.MessageDetails>(new QueuePartition.GetMessage(partition, queueId), TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        File.Delete(_operatorFile);
        _data.Dispose();
    }
}
