using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>What a node answered to one numbered message (code 0: the connection dropped or timed out).</summary>
internal sealed record Submission(int Index, int Node, int Code, string Reply, DateTimeOffset At)
{
    public bool Accepted => Code == 250;

    /// <summary>The queue id from the 250's "queued as ID", when there was one.</summary>
    public string? QueueId => new SubmissionResult(Code, Reply).QueueId;
}

/// <summary>
/// Numbered messages over SMTP into the fleet's relay listeners, spread over the nodes, with every answer
/// recorded: a 250 is a promise the test holds the fleet to. Each message carries its index
/// (<see cref="IndexHeader"/>) so the next hop's records can be matched one by one.
/// </summary>
internal sealed class MailLoad(TestFleet fleet)
{
    public const string IndexHeader = "X-Fleet-Index";
    private static readonly TimeSpan PerMessageTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<int, Submission> _submissions = new();
    private readonly HashSet<int> _excluded = [];
    private int _next = -1;

    public IReadOnlyCollection<Submission> Submissions => [.. _submissions.Values];
    public IReadOnlyList<int> AcceptedIndexes => [.. _submissions.Values.Where(s => s.Accepted).Select(s => s.Index).Order()];
    public int AcceptedCount => _submissions.Values.Count(s => s.Accepted);

    /// <summary>From now on new messages go only to the other nodes (as a load balancer does once a node is gone).</summary>
    public void Exclude(FleetNode node)
    {
        lock (_excluded) _excluded.Add(node.Number);
    }

    /// <summary>Sends <paramref name="count"/> messages as fast as <paramref name="sessionsPerNode"/> sessions per node allow.</summary>
    /// <summary>Queues <paramref name="count"/> messages over every node and insists on a 250 for each (the steady state a test starts from).</summary>
    public static async Task<MailLoad> QueueAllAsync(TestFleet fleet, int count, int sessionsPerNode, Xunit.Abstractions.ITestOutputHelper output)
    {
        var load = new MailLoad(fleet);
        var submitting = System.Diagnostics.Stopwatch.StartNew();
        await load.SendAsync(count, sessionsPerNode);
        output.WriteLine($"queued {count} in {submitting.Elapsed.TotalSeconds:0.0} s: {load.AcceptedCount} got 250");
        Assert.Empty(load.Submissions.Where(s => !s.Accepted).Take(5));
        return load;
    }

    public Task SendAsync(int count, int sessionsPerNode)
    {
        var queues = Queues();
        for (var i = 0; i < count; i++) Route(queues);
        foreach (var queue in queues.Values) queue.Writer.Complete();
        return RunSessionsAsync(queues, sessionsPerNode, CancellationToken.None);
    }

    /// <summary>
    /// Sends at <paramref name="perSecond"/> until <paramref name="stop"/> or <paramref name="maxCount"/> messages,
    /// spread round-robin over the nodes not excluded.
    /// </summary>
    public async Task RunPacedAsync(double perSecond, int maxCount, int sessionsPerNode, CancellationToken stop)
    {
        var queues = Queues();
        var sessions = RunSessionsAsync(queues, sessionsPerNode, stop);
        // Pacing by a clock, not by sleeps that wait for a condition: ticket n is due at start + n / rate.
        var started = DateTime.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var issued = 0;
        try
        {
            while (issued < maxCount && await timer.WaitForNextTickAsync(stop))
            {
                var due = Math.Min(maxCount, (int)((DateTime.UtcNow - started).TotalSeconds * perSecond));
                for (; issued < due; issued++) Route(queues);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped by the test
        }
        foreach (var queue in queues.Values) queue.Writer.Complete();
        await sessions;
    }

    public static string Body(int index) => string.Create(CultureInfo.InvariantCulture, $"""
        From: <sender@origin.test>
        To: <rcpt@{TestFleet.Domain}>
        Message-ID: <{index}.fleet@origin.test>
        Subject: fleet message {index}
        {IndexHeader}: {index}

        Fleet message number {index}.

        """).ReplaceLineEndings("\r\n");

    private Dictionary<int, Channel<int>> Queues() =>
        fleet.Nodes.ToDictionary(n => n.Number, _ => Channel.CreateUnbounded<int>());

    /// <summary>Gives the next index to a node that is not excluded, round-robin by index.</summary>
    private void Route(Dictionary<int, Channel<int>> queues)
    {
        var index = Interlocked.Increment(ref _next);
        int[] targets;
        lock (_excluded) targets = [.. queues.Keys.Where(n => !_excluded.Contains(n)).Order()];
        if (targets.Length > 0) queues[targets[index % targets.Length]].Writer.TryWrite(index);
    }

    private Task RunSessionsAsync(Dictionary<int, Channel<int>> queues, int sessionsPerNode, CancellationToken stop) =>
        Task.WhenAll(fleet.Nodes.SelectMany(node => Enumerable.Range(0, sessionsPerNode).Select(_ => SessionAsync(node, queues[node.Number].Reader, stop))));

    /// <summary>
    /// One SMTP session to one node: sends what its queue hands it, reconnecting after a drop or a 421.
    /// <paramref name="stop"/> ends it between messages (what is still queued is never sent), never in the middle of one.
    /// </summary>
    private async Task SessionAsync(FleetNode node, ChannelReader<int> indexes, CancellationToken stop)
    {
        SmtpSubmitter? client = null;
        while (!stop.IsCancellationRequested)
        {
            if (!indexes.TryRead(out var index))
            {
                if (!await WaitToReadAsync(indexes, stop)) break;
                continue;
            }
            using var timeout = new CancellationTokenSource(PerMessageTimeout);
            try
            {
                client ??= await SmtpSubmitter.ConnectAsync(node.Relay, cancellation: timeout.Token);
                var result = await client.SendAsync("sender@origin.test", [$"rcpt@{TestFleet.Domain}"], Body(index), timeout.Token);
                Record(new Submission(index, node.Number, result.Code, result.Reply, DateTimeOffset.UtcNow));
                if (result.Code == 421) client = await CloseAsync(client);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException or OperationCanceledException)
            {
                Record(new Submission(index, node.Number, 0, $"{e.GetType().Name}: {e.Message}", DateTimeOffset.UtcNow));
                client = await CloseAsync(client);
            }
        }
        await CloseAsync(client);
    }

    private static async Task<bool> WaitToReadAsync(ChannelReader<int> indexes, CancellationToken stop)
    {
        try { return await indexes.WaitToReadAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    private void Record(Submission submission) => _submissions[submission.Index] = submission;

    private static async Task<SmtpSubmitter?> CloseAsync(SmtpSubmitter? client)
    {
        if (client is not null) await client.DisposeAsync();
        return null;
    }
}
