using System.Diagnostics;
using ActorMta.Configuration;
using ActorMta.Host;
using ActorMta.Queue;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ActorMta.Contracts;

namespace ActorMta.Benchmarks.Queue;

/// <summary>
/// The queue's accept path alone: N concurrent senders, each handing the node's intake one
/// message at a time and waiting for "durable", as SMTP sessions do. Delivery is paused.
/// usage: queue-intake [sqlite|postgresql CONNECTION] [--senders 50] [--messages 20000] [--size 1024]
/// </summary>
public static class QueueIntakeLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var senders = Option(args, "--senders", 50);
        var messages = Option(args, "--messages", 20_000);
        var size = Option(args, "--size", 1024);
        var data = Path.Combine(Path.GetTempPath(), "actormta-bench-" + Guid.NewGuid().ToString("N"));
        var environment = new System.Collections.Hashtable
        {
            ["ACTORMTA_DATA_DIR"] = data,
            ["ACTORMTA_CLUSTER_PORT"] = "0",
            ["ACTORMTA_MANAGEMENT_PORT"] = "0",
            ["ACTORMTA_DELIVERY_PAUSED"] = "on",
            ["ACTORMTA_LOG_LEVEL"] = "Warning",
        };
        if (args is ["postgresql", var connection, ..])
        {
            environment["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql";
            environment["ACTORMTA_JOURNAL_CONNECTION_STRING"] = connection;
        }
        var settings = ActorMtaSettings.From(ActorMtaConfig.Load(null, environment));
        await using var node = await ActorMtaNode.StartAsync(settings, CancellationToken.None);
        var intake = await node.Services.GetRequiredService<ActorRegistry>().GetAsync<QueueIntake>();

        var body = new byte[size];
        Array.Fill(body, (byte)'x');
        var envelope = new SmtpEnvelope("bench@src.example", [new EnvelopeRecipient("rcpt@dest.example")], BodyType.Unspecified, false,
            DsnReturn.Unspecified, null, new SubmittingClient("127.0.0.1", "bench", "relay"), DateTimeOffset.UtcNow);

        // Warm-up: journal tables, partitions recovered, JIT.
        await Send(intake, envelope, body, 200, senders);
        var clock = Stopwatch.StartNew();
        var refused = await Send(intake, envelope, body, messages, senders);
        clock.Stop();
        Console.WriteLine($"queue-intake provider={settings.Journal.Provider} senders={senders} messages={messages} size={size} " +
                          $"seconds={clock.Elapsed.TotalSeconds:0.00} rate={messages / clock.Elapsed.TotalSeconds:0}/s refused={refused} " +
                          $"journal_writes={ActorMta.Queue.QueueMetrics.JournalWrites.Value}");
        await node.StopAsync();
        try { Directory.Delete(data, true); } catch (IOException) { }
        return 0;
    }

    private static async Task<int> Send(IActorRef intake, SmtpEnvelope envelope, byte[] body, int messages, int senders)
    {
        var next = -1;
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < messages)
            {
                var answer = await intake.Ask<object>(new QueueIntake.Enqueue(envelope, body), TimeSpan.FromSeconds(60));
                if (answer is not QueueIntake.Enqueued) Interlocked.Increment(ref refused);
            }
        }));
        return refused;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
    }
}
