using System.Diagnostics.Metrics;

namespace ActorMta.Telemetry;

/// <summary>
/// A monotonic count kept in a field and published as an <see cref="ObservableCounter{T}"/> (a Prometheus
/// counter, NAME_total, read at each scrape). OpenTelemetry's synchronous Counter would also keep what was
/// counted before the first scrape (the labelled actormta_delivery_attempts is one; NodeMetricsTests shows both),
/// but it shows no series until the first increment and loses what was counted before its meter provider
/// started; a field is there at 0 from the start, is readable in-process (the dashboard, tests, the load bench)
/// and costs one interlocked add on the hot path.
/// </summary>
public sealed class MetricCount
{
    private long _value;

    public MetricCount(Meter meter, string name, string description, string? unit = null) =>
        meter.CreateObservableCounter(name, () => Value, unit, description);

    /// <summary>Everything added in this process since it started.</summary>
    public long Value => Volatile.Read(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
