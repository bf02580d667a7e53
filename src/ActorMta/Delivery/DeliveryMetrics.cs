using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorMta.Delivery;

/// <summary>
/// Delivery attempt outcomes by bounce class, exported as actormta_delivery_attempts{outcome, bounce_class}.
/// Observable (read at each scrape) for the reason MetricCount gives; the label values are bounded: three
/// outcomes times the classes of the rules files.
/// </summary>
public static class DeliveryMetrics
{
    public static readonly Meter Meter = new("ActorMta.Delivery");

    private static readonly ConcurrentDictionary<(string Outcome, string Class), long> Attempts = new();

    static DeliveryMetrics() =>
        Meter.CreateObservableCounter("attempts", () => Attempts.Select(a =>
            new Measurement<long>(a.Value, new KeyValuePair<string, object?>("outcome", a.Key.Outcome), new KeyValuePair<string, object?>("bounce_class", a.Key.Class))),
            description: "Recipient delivery attempts by outcome (delivered, deferred, failed) and bounce class");

    public static void Attempted(string outcome, string bounceClass) => Attempts.AddOrUpdate((outcome, bounceClass), 1, (_, n) => n + 1);
}
