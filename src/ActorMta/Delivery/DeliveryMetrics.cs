using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorMta.Telemetry;

namespace ActorMta.Delivery;

/// <summary>
/// Delivery's instruments: attempt outcomes by bounce class (actormta_delivery_attempts_total{outcome, bounce_class}),
/// DNS question times, and outbound connections by destination domain. Label values are bounded: three outcomes
/// times the classes of the rules files; the record types and outcomes of DNS; the top domains plus "other".
/// </summary>
public static class DeliveryMetrics
{
    public static readonly Meter Meter = new("ActorMta.Delivery");

    /// <summary>Which domains get a label of their own, by volume (actormta.management.metrics.top-domains).</summary>
    public static readonly DomainLabels Domains = new(50);

    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("actormta_delivery_attempts", null,
        "Recipient delivery attempts by outcome (delivered, deferred, failed) and bounce class");

    private static readonly Histogram<double> DnsLookups = Meter.CreateHistogram<double>("actormta_delivery_dns_lookup_duration", "s",
        "DNS questions of MX resolution (MX, A, AAAA) by record type and outcome (ok, nxdomain, servfail, timeout)");

    /// <summary>Open (or opening) outbound connections per delivery actor, read at each scrape.</summary>
    private static readonly ConcurrentDictionary<object, (string Domain, int Connections)> ConnectionsByActor = new();

    /// <summary>The histograms' buckets, for the meter provider's views.</summary>
    public static IEnumerable<(string Instrument, double[] Boundaries)> Views => [(DnsLookups.Name, Buckets.Milliseconds)];

    static DeliveryMetrics() =>
        Meter.CreateObservableGauge("actormta_delivery_connections", ConnectionsByDomain,
            description: "Outbound connections open or opening, by destination domain (the busiest domains by name, the rest as \"other\")");

    public static void Attempted(string outcome, string bounceClass) =>
        Attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("bounce_class", bounceClass));

    public static void DnsAnswered(string recordType, string outcome, TimeSpan took) =>
        DnsLookups.Record(took.TotalSeconds, new KeyValuePair<string, object?>("type", recordType), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A domain's delivery actor reports its connections (after each change); <paramref name="owner"/> tells two actors of one domain apart.</summary>
    public static void Connections(object owner, string domain, int connections)
    {
        if (connections == 0) ConnectionsByActor.TryRemove(owner, out _);
        else ConnectionsByActor[owner] = (domain, connections);
    }

    private static IEnumerable<Measurement<int>> ConnectionsByDomain()
    {
        var label = Domains.Snapshot();
        var byLabel = ConnectionsByActor.Values.GroupBy(c => label(c.Domain)).ToDictionary(g => g.Key, g => g.Sum(c => c.Connections));
        byLabel.TryAdd(DomainLabels.Other, 0); // always one series, so the gauge is there (at 0) on an idle node
        return byLabel.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("domain", c.Key)));
    }
}
