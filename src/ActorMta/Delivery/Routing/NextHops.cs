using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Egress;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Routing;

/// <summary>Where to connect for a domain right now, or why nowhere.</summary>
public abstract record NextHops
{
    private NextHops()
    {
    }

    public sealed record Found(IReadOnlyList<NextHop> Hops) : NextHops;

    /// <param name="Permanent">True: the mail cannot be delivered (null MX, no such domain): fail it without connecting.</param>
    /// <param name="Sts">Set when the domain's MTA-STS policy left no MX host (for the delivery log).</param>
    public sealed record NotFound(RemoteReply Reply, bool Permanent, Sts.StsOutcome? Sts = null) : NextHops;

    /// <summary>
    /// Resolves a route: MX records through the resolver (null MX, NXDOMAIN and temporary DNS
    /// failures sorted out there), static and smarthost names through the system resolver.
    /// Never throws for DNS trouble. MX answers (and address literals) go through <paramref name="destinations"/>;
    /// static hosts and smarthosts are the operator's own choice and are trusted as they are.
    /// </summary>
    public static async Task<NextHops> ResolveAsync(string domain, DeliveryRoute route, IMailExchangerResolver resolver, DestinationPolicy destinations, CancellationToken cancellation)
    {
        switch (route)
        {
            case DeliveryRoute.Mx mx:
                return await resolver.ResolveAsync(domain, cancellation).ConfigureAwait(false) switch
                {
                    MailExchangerResolution.Resolved resolved => destinations.Screen(domain, resolved.MailExchangers
                        .Select(e => new NextHop(e.HostName, [.. e.Addresses.Select(a => new IPEndPoint(a, mx.Port))]))
                        .ToArray()),
                    MailExchangerResolution.PermanentFailure failure => new NotFound(
                        new RemoteReply(failure.Failure == ResolutionFailure.NullMx ? 556 : 550, failure.EnhancedStatusCode, failure.Reason), true),
                    MailExchangerResolution.TemporaryFailure failure => new NotFound(new RemoteReply(451, failure.EnhancedStatusCode, failure.Reason), false),
                    _ => throw new InvalidOperationException("unknown resolution"),
                };
            case DeliveryRoute.Relay relay:
                var hops = new List<NextHop>();
                var problems = new List<string>();
                foreach (var host in relay.Hosts)
                {
                    if (IPAddress.TryParse(host.Host, out var literal))
                    {
                        hops.Add(new NextHop(host.Host, [new IPEndPoint(literal, host.Port)]));
                        continue;
                    }
                    try
                    {
                        var addresses = await System.Net.Dns.GetHostAddressesAsync(host.Host, cancellation).ConfigureAwait(false);
                        hops.Add(new NextHop(host.Host, [.. addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).Select(a => new IPEndPoint(a, host.Port))]));
                    }
                    catch (SocketException e)
                    {
                        problems.Add($"{host.Host}: {e.Message}");
                    }
                }
                return hops.Count > 0
                    ? new Found(hops)
                    : new NotFound(new RemoteReply(451, "4.4.3", $"cannot resolve the {relay.Name} host(s): {string.Join("; ", problems)}"), false);
            default:
                return new Found([]);
        }
    }
}
