using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorMta.Telemetry;

namespace ActorMta.Dkim;

/// <summary>DKIM's instruments: reloads of actormta.dkim and its keys, and the selector each domain signs with now.</summary>
public static class DkimMetrics
{
    public static readonly Meter Meter = new("ActorMta.Dkim");

    public static readonly MetricCount ReloadsTaken = new(Meter, "actormta_dkim_reloads", "Changed DKIM settings or keys taken without a restart");

    public static readonly MetricCount ReloadsRejected = new(Meter, "actormta_dkim_reloads_rejected", "Checks of changed DKIM settings that were not taken (invalid; the previous settings stay)");

    /// <summary>The running reloaders (one per node; tests run several nodes in one process).</summary>
    internal static readonly ConcurrentDictionary<DkimReloader, byte> Live = new();

    static DkimMetrics() =>
        Meter.CreateObservableGauge("actormta_dkim_active_selector", () => Live.Keys.SelectMany(r => r.Current.Settings.Domains.Values)
            .Select(d => new Measurement<int>(1, new KeyValuePair<string, object?>("domain", d.Domain), new KeyValuePair<string, object?>("selector", d.Active.Name))),
            description: "1 for the selector each signing domain signs with now");
}
