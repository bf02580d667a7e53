using ActorMta.Delivery.Limits;

namespace ActorMta.Tests.Delivery.Limits;

public sealed class RateLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Zero_means_no_limit()
    {
        var limiter = new RateLimiter();
        for (var i = 0; i < 1000; i++) Assert.True(limiter.TryTake(Start, 0, out _));
    }

    [Fact]
    public void After_a_pause_one_event_may_come_early_then_events_are_one_interval_apart()
    {
        var limiter = new RateLimiter();
        Assert.True(limiter.TryTake(Start, 20, out _));
        Assert.True(limiter.TryTake(Start, 20, out _));
        Assert.False(limiter.TryTake(Start, 20, out var next));
        Assert.Equal(Start + TimeSpan.FromMilliseconds(50), next);
        Assert.False(limiter.Allows(next - TimeSpan.FromTicks(1), 20, out _));
        Assert.True(limiter.TryTake(next, 20, out _));
    }

    [Fact]
    public void A_caller_that_wakes_late_every_time_still_gets_the_configured_average_rate()
    {
        // The delivery actor's timer fires a little after the moment it asked for; that lateness must not add up.
        var limiter = new RateLimiter();
        var now = Start;
        var taken = new List<DateTimeOffset>();
        while (taken.Count < 400)
        {
            if (limiter.TryTake(now, 20, out var allowedAt)) taken.Add(now);
            else now = allowedAt + TimeSpan.FromMilliseconds(12);
        }
        var rate = (taken.Count - 1) / (taken[^1] - taken[0]).TotalSeconds;
        Assert.InRange(rate, 19.9, 20.3);
    }
}
