using ActorMta.Queue.Partition;
using Akka.Actor;

namespace ActorMta.Queue.Query;

/// <summary>The whole queue as the API shows it: counts summed over every partition.</summary>
public sealed record QueueOverview(
    int Messages,
    IReadOnlyDictionary<string, int> Recipients,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Domains,
    IReadOnlyList<int> UnansweredPartitions)
{
    /// <summary>Asks every partition at once; a partition that does not answer in time is listed, not waited for.</summary>
    public static async Task<QueueOverview> GatherAsync(IActorRef partitions, int partitionCount, TimeSpan timeout, CancellationToken cancellation)
    {
        var asks = Enumerable.Range(0, partitionCount)
            .Select(p => partitions.Ask<QueuePartition.PartitionCounts>(new QueuePartition.GetCounts(p), timeout, cancellation))
            .ToArray();
        try { await Task.WhenAll(asks); }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException) { /* reported per partition below */ }

        var recipients = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var domains = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        var messages = 0;
        var unanswered = new List<int>();
        for (var p = 0; p < asks.Length; p++)
        {
            if (!asks[p].IsCompletedSuccessfully)
            {
                unanswered.Add(p);
                continue;
            }
            var counts = asks[p].Result;
            messages += counts.Messages;
            Add(recipients, counts.Recipients);
            foreach (var (domain, byStatus) in counts.ByDomain)
            {
                if (!domains.TryGetValue(domain, out var total)) domains[domain] = total = new SortedDictionary<string, int>(StringComparer.Ordinal);
                Add(total, byStatus);
            }
        }
        return new QueueOverview(messages, recipients,
            domains.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, int>)d.Value, StringComparer.Ordinal), unanswered);
    }

    private static void Add(IDictionary<string, int> total, IReadOnlyDictionary<string, int> counts)
    {
        foreach (var (status, count) in counts) total[status] = total.TryGetValue(status, out var n) ? n + count : count;
    }
}
