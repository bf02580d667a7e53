using System.Diagnostics.Metrics;

namespace ActorMta.Management;

/// <summary>
/// A monotonic count kept in a field and published as an <see cref="ObservableCounter{T}"/>.
/// prometheus-net's meter adapter (8.2.1) exports a plain <see cref="Counter{T}"/> as the last
/// increment, not the total, and drops the measurements before its first scrape (measured);
/// an observable counter reads the total at every scrape. A field increment is also cheaper on
/// the hot path than a measurement callback.
/// </summary>
public sealed class MetricCount
{
    private long _value;

    public MetricCount(Meter meter, string name, string description, string? unit = null) =>
        meter.CreateObservableCounter(name, () => Value, unit, description);

    public long Value => Volatile.Read(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
