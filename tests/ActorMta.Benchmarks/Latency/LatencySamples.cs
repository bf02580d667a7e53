using System.Diagnostics;

namespace ActorMta.Benchmarks.Latency;

/// <summary>
/// One session's accepted messages: when the final dot was written (Stopwatch ticks since the run began)
/// and how long the 250 took. Preallocated for the expected count and doubled when full, so recording
/// allocates nothing per message; one writer (its session), read after the run.
/// </summary>
public sealed class LatencySamples(int capacity)
{
    private long[] _sentAt = new long[Math.Max(capacity, 16)];
    private long[] _latency = new long[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public void Add(long sentAt, long latencyTicks)
    {
        if (Count == _latency.Length)
        {
            Array.Resize(ref _sentAt, Count * 2);
            Array.Resize(ref _latency, Count * 2);
        }
        _sentAt[Count] = sentAt;
        _latency[Count] = latencyTicks;
        Count++;
    }

    public long SentAt(int index) => _sentAt[index];

    public long LatencyTicks(int index) => _latency[index];

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Every session's latencies in milliseconds, in one array.</summary>
    public static double[] AllMilliseconds(IReadOnlyCollection<LatencySamples> sessions)
    {
        var all = new double[sessions.Sum(s => s.Count)];
        var i = 0;
        foreach (var session in sessions)
        {
            for (var j = 0; j < session.Count; j++) all[i++] = Milliseconds(session._latency[j]);
        }
        return all;
    }
}

/// <summary>Latency percentiles in milliseconds, by nearest rank: the smallest sample that at least p% of the samples do not exceed.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max)
{
    /// <summary>Sorts <paramref name="milliseconds"/> in place and reads the percentiles off it; all zero when empty.</summary>
    public static LatencySummary Of(double[] milliseconds)
    {
        Array.Sort(milliseconds);
        return new LatencySummary(
            milliseconds.Length,
            Percentile(milliseconds, 50),
            Percentile(milliseconds, 90),
            Percentile(milliseconds, 99),
            Percentile(milliseconds, 99.9),
            Percentile(milliseconds, 100));
    }

    /// <summary>The nearest-rank percentile of ascending samples: the sample at rank ceil(p/100 × n).</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        if (percent is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), "0 < percent <= 100");
        if (sorted.Length == 0) return 0;
        // Rounded first so that 99.9% of 1000 is rank 999, not 1000 from floating-point error.
        var rank = (int)Math.Ceiling(Math.Round(percent / 100 * sorted.Length, 9));
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
