using ActorMta.Benchmarks.Latency;

namespace ActorMta.Smtp.Tests.LoadGenerator;

public class LatencySummaryTests
{
    [Fact]
    public void Percentiles_of_1_to_1000_are_the_nearest_ranks_whatever_the_order()
    {
        var samples = Enumerable.Range(1, 1000).Select(i => (double)i).OrderBy(i => (i * 7919) % 1000).ToArray();
        var summary = LatencySummary.Of(samples);
        Assert.Equal(new LatencySummary(1000, 500, 900, 990, 999, 1000), summary);
    }

    [Fact]
    public void With_fewer_than_1000_samples_p99_9_is_the_maximum()
    {
        var summary = LatencySummary.Of([.. Enumerable.Range(1, 100).Select(i => i / 10.0)]);
        Assert.Equal((5.0, 9.0, 9.9, 10.0, 10.0), (summary.P50, summary.P90, summary.P99, summary.P999, summary.Max));
    }

    [Fact]
    public void One_sample_is_every_percentile_and_none_is_zero()
    {
        Assert.Equal(new LatencySummary(1, 3.5, 3.5, 3.5, 3.5, 3.5), LatencySummary.Of([3.5]));
        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0), LatencySummary.Of([]));
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_lower_middle_sample()
    {
        Assert.Equal(2, LatencySummary.Percentile([1, 2, 3, 4], 50));
        Assert.Equal(3, LatencySummary.Percentile([1, 2, 3, 4], 50.1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.1)]
    public void A_percentile_outside_0_to_100_is_refused(double percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencySummary.Percentile([1], percent));
    }

    [Fact]
    public void Samples_grow_past_their_capacity_and_every_session_is_merged()
    {
        var first = new LatencySamples(16);
        for (var i = 0; i < 40; i++) first.Add(i, i * TicksPerMs);
        var second = new LatencySamples(16);
        second.Add(100, 1000 * TicksPerMs);

        var all = LatencySamples.AllMilliseconds([first, second]);

        Assert.Equal((40, 39L, 39 * TicksPerMs), (first.Count, first.SentAt(39), first.LatencyTicks(39)));
        Assert.Equal([.. Enumerable.Range(0, 40).Select(i => (double)i), 1000.0], all, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Errors_are_counted_by_stage_and_code_and_keep_the_first_reply()
    {
        var one = new ErrorTally();
        one.Add(LoadStage.Dot, 451, "451 4.3.0 first");
        one.Add(LoadStage.Dot, 451, "451 4.3.0 second");
        var other = new ErrorTally();
        other.Add(LoadStage.Rcpt, 550, "550 5.1.1 unknown");
        other.Add(LoadStage.Dot, 451, "451 4.3.0 third");
        one.Add(other);

        Assert.Equal(4, one.Total);
        Assert.Equal("451:3,550:1", one.ByCode());
        Assert.Equal(["3 x 451 at Dot (first: 451 4.3.0 first)", "1 x 550 at Rcpt (first: 550 5.1.1 unknown)"], one.Lines());
        Assert.Equal("none", new ErrorTally().ByCode());
    }

    private static readonly long TicksPerMs = System.Diagnostics.Stopwatch.Frequency / 1000;
}
