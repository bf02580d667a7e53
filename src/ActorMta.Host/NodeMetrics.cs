using ActorMta.Delivery;
using ActorMta.Ingress;
using ActorMta.Queue;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorMta.Host;

/// <summary>
/// The node's OpenTelemetry meter provider: the stages' meters, the runtime's and Kestrel's, with explicit histogram
/// buckets per instrument, read by the Prometheus exporter at each scrape of /metrics (pull: nothing is exported in
/// between, and counts made before the first scrape are in it, since the provider aggregates from the node's start).
/// </summary>
internal static class NodeMetrics
{
    /// <summary>Registered before Akka.Hosting: the provider starts listening before any actor can count anything.</summary>
    public static IServiceCollection AddNodeMetrics(this IServiceCollection services)
    {
        // target_info{service_name="actormta"}: the scrape job and instance labels tell the nodes apart.
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("actormta")).WithMetrics(metrics =>
        {
            metrics.AddMeter(QueueMetrics.Meter.Name, DeliveryMetrics.Meter.Name, IngressMetrics.Meter.Name, ActorMta.Dkim.DkimMetrics.Meter.Name, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel");
            foreach (var (instrument, boundaries) in QueueMetrics.Views.Concat(DeliveryMetrics.Views).Concat(IngressMetrics.Views))
                metrics.AddView(instrument, new ExplicitBucketHistogramConfiguration { Boundaries = boundaries });
            metrics.AddPrometheusExporter();
        });
        return services;
    }
}
