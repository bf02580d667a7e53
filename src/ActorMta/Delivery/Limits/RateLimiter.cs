namespace ActorMta.Delivery.Limits;

/// <summary>
/// GCRA (the generic cell rate algorithm, a token bucket without the bucket): one timestamp, the
/// theoretical arrival time of the next event. One event may come up to one interval early, so a
/// timer that fires a little late does not slow the average rate down.
/// </summary>
internal sealed class RateLimiter
{
    private DateTimeOffset _theoreticalArrival = DateTimeOffset.MinValue;

    /// <summary>Takes one event at <paramref name="now"/> if the rate allows it; else says when it will.</summary>
    /// <param name="perSecond">Events per second; zero or less means unlimited.</param>
    public bool TryTake(DateTimeOffset now, double perSecond, out DateTimeOffset allowedAt)
    {
        if (!Allows(now, perSecond, out allowedAt)) return false;
        if (perSecond > 0) _theoreticalArrival = (_theoreticalArrival > now ? _theoreticalArrival : now) + Interval(perSecond);
        return true;
    }

    /// <summary>Whether an event at <paramref name="now"/> would be allowed, without taking it.</summary>
    public bool Allows(DateTimeOffset now, double perSecond, out DateTimeOffset allowedAt)
    {
        allowedAt = now;
        if (perSecond <= 0 || _theoreticalArrival <= now) return true;
        var earliest = _theoreticalArrival - Interval(perSecond);
        if (now >= earliest) return true;
        allowedAt = earliest;
        return false;
    }

    /// <summary>The earlier of two times a rate allows something (null: nothing waits on that one).</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x <= y) ? x : b;

    private static TimeSpan Interval(double perSecond) => TimeSpan.FromSeconds(1 / perSecond);
}
