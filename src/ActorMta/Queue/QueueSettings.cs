using ActorMta.Configuration;

namespace ActorMta.Queue;

/// <summary>The spool: how it is partitioned, how long mail may stay, how retries are spaced.</summary>
public sealed record QueueSettings(
    int Partitions,
    TimeSpan AcceptTimeout,
    TimeSpan MaxLifetime,
    RetrySchedule Retry,
    TimeSpan DelayDsnAfter,
    int SnapshotEvery,
    TimeSpan DeliveryLease,
    int MaxInFlightPerDomain,
    int RecentlyCompleted,
    bool DeliveryPaused,
    TimeSpan IntakeSlice,
    long RecentBodiesBytes = 0)
{
    public static QueueSettings From(SettingsReader settings) => new(
        settings.Int("actormta.queue.partitions", 1, QueueId.MaxPartitions),
        settings.Duration("actormta.queue.accept-timeout", TimeSpan.FromSeconds(1)),
        settings.Duration("actormta.queue.max-lifetime", TimeSpan.FromSeconds(1)),
        new RetrySchedule(
            settings.Duration("actormta.queue.retry.initial", TimeSpan.FromMilliseconds(100)),
            settings.Duration("actormta.queue.retry.max", TimeSpan.FromMilliseconds(100)),
            settings.Double("actormta.queue.retry.multiplier", 1.0, 10.0),
            settings.Double("actormta.queue.retry.jitter", 0.0, 0.9)),
        settings.Duration("actormta.queue.delay-dsn-after", TimeSpan.FromSeconds(1)),
        settings.Int("actormta.queue.snapshot-every", 10),
        settings.Duration("actormta.queue.delivery-lease", TimeSpan.FromSeconds(1)),
        settings.Int("actormta.queue.max-in-flight-per-domain", 1),
        settings.Int("actormta.queue.recently-completed", 0),
        settings.Bool("actormta.delivery.paused"),
        settings.Duration("actormta.queue.intake-slice"),
        settings.Size("actormta.queue.recent-bodies"));
}

/// <summary>
/// When a deferred recipient is tried again: initial, then doubling (by <see cref="Multiplier"/>)
/// up to <see cref="Max"/>, each spread by ±<see cref="Jitter"/> so a domain's backlog does not
/// come back as one wave. Postfix's shape: minutes apart at first, then about hourly.
/// </summary>
public sealed record RetrySchedule(TimeSpan Initial, TimeSpan Max, double Multiplier, double Jitter)
{
    public TimeSpan After(int attempts, Random random)
    {
        var exponent = Math.Max(0, attempts - 1);
        var seconds = Math.Min(Max.TotalSeconds, Initial.TotalSeconds * Math.Pow(Multiplier, Math.Min(exponent, 64)));
        var spread = 1 + Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromSeconds(Math.Max(Initial.TotalSeconds * (1 - Jitter), seconds * spread));
    }
}
