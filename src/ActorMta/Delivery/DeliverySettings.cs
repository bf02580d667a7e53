using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Log;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp.Client;

namespace ActorMta.Delivery;

/// <summary>The delivery stage's settings (actormta.delivery), read and validated at start-up.</summary>
/// <param name="Hostname">The node's name: EHLO of sources that give none.</param>
/// <param name="MaxBacklog">Requests one domain's delivery actor holds waiting for a connection; more are deferred at once.</param>
/// <param name="PassivateAfter">An idle domain actor (no work, no connections) stops after this long.</param>
/// <param name="Shards">How many shards the domain actors are spread over in the fleet.</param>
/// <param name="MaxBacklogWait">A request still waiting for a connection after this long is answered "deferred".</param>
/// <param name="Pools">Every egress source, the named pools, the warm-up schedules and provider groups.</param>
/// <param name="Destinations">Where MX answers and address literals may point (private networks, allowed exceptions).</param>
/// <param name="MtaSts">actormta.delivery.mta-sts; null: off.</param>
public sealed record DeliverySettings(
    string Hostname,
    DomainPolicies Domains,
    MailExchangerResolverSettings Dns,
    SmtpClientTimeouts Timeouts,
    DeliveryLogSettings Log,
    int MaxBacklog,
    TimeSpan PassivateAfter,
    int Shards,
    TimeSpan MaxBacklogWait,
    Egress.DestinationSettings Destinations,
    Sts.MtaStsSettings? MtaSts = null,
    Egress.EgressPools? Pools = null)
{
    public Egress.WarmUpSettings WarmUp => Pools?.WarmUp ?? Egress.WarmUpSettings.None;

    /// <summary>How a message picks its pool by header or tenant (ingress and the injection API apply it).</summary>
    public Contracts.PoolChoice PoolChoice => Pools?.Choice ?? Contracts.PoolChoice.None;

    public static DeliverySettings From(Configuration.SettingsReader settings, Configuration.NodeSettings node) =>
        DeliverySettingsReader.Read(settings, node);
}
