using ActorMta.Contracts;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Sts;

namespace ActorMta.Delivery.Routing;

/// <summary>
/// MTA-STS on the MX route (RFC 8461 4): the policy is looked up alongside the MX records; in enforce mode the MX
/// hosts outside the policy's mx patterns are dropped (none left: defer, 4.7.5), and the rest must speak verified TLS;
/// in testing mode every MX is kept and what would have failed is logged and counted.
/// </summary>
public static class MtaStsRouting
{
    public static async Task<NextHops> ResolveAsync(string domain, DomainPolicy policy, DeliveryContext context, CancellationToken cancellation)
    {
        if (policy.Route is not DeliveryRoute.Mx || context.MtaSts is not { Enabled: true } sts || Dns.Destination.Parse(domain) is not Dns.Destination.HostName host)
            return await NextHops.ResolveAsync(domain, policy.Route, context.Resolver, context.Destinations, cancellation).ConfigureAwait(false);
        var lookup = sts.GetAsync(host.Ascii);
        var hops = await NextHops.ResolveAsync(domain, policy.Route, context.Resolver, context.Destinations, cancellation).ConfigureAwait(false);
        return Apply(domain, hops, await lookup.ConfigureAwait(false), sts.Reports, context.Clock.GetUtcNow());
    }

    public static NextHops Apply(string domain, NextHops hops, StsLookup lookup, TlsReportBook reports, DateTimeOffset now)
    {
        if (hops is not NextHops.Found found || lookup.Policy is not { Mode: not StsMode.None } policy) return hops;
        var checkedHops = found.Hops.Select(h => h with { Sts = new StsCheck(domain, policy, policy.AllowsMx(h.Host)) }).ToArray();
        if (policy.Mode == StsMode.Testing) return new NextHops.Found(checkedHops);
        var allowed = checkedHops.Where(h => h.Sts!.MxMatches).ToArray();
        if (allowed.Length > 0) return new NextHops.Found(allowed);
        var hosts = string.Join(", ", found.Hops.Select(h => h.Host));
        reports.Failed(now, domain, policy, "validation-failure", mxHost: found.Hops.FirstOrDefault()?.Host, reasonCode: "mx-mismatch");
        return new NextHops.NotFound(
            new RemoteReply(451, "4.7.5", $"MTA-STS policy of {domain} (enforce): no MX matches (mx: {string.Join(" ", policy.MxPatterns)}; MX hosts: {hosts})"),
            false, new StsOutcome(policy.ModeName, "mx-mismatch"));
    }
}
