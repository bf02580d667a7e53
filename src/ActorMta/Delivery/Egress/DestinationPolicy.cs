using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Routing;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Egress;

/// <param name="AllowPrivate">actormta.delivery.allow-private-destinations: MX answers and address literals may point anywhere.</param>
/// <param name="AllowedNetworks">actormta.delivery.allowed-destination-networks: special networks allowed anyway (internal relays).</param>
public sealed record DestinationSettings(bool AllowPrivate, IReadOnlyList<IPNetwork> AllowedNetworks)
{
    public static readonly DestinationSettings Default = new(false, []);
}

/// <summary>
/// Where the MX route may connect. Whoever controls a recipient domain's DNS (or writes user@[10.0.0.1])
/// must not be able to point this node at its own network: MX and address answers in loopback, private,
/// link-local, shared (CGNAT), multicast, unspecified or reserved space are refused (5.4.4) unless allowed,
/// and a next hop that is this node itself is a mail loop (5.4.6). Static routes and smarthosts are set by
/// the operator and are trusted: they never come here.
/// </summary>
public sealed class DestinationPolicy
{
    private static readonly (IPNetwork Network, string Name)[] SpecialNetworks =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified (\"this network\")"),
        (IPNetwork.Parse("10.0.0.0/8"), "private (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared address space (CGNAT, RFC 6598)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private (RFC 1918)"),
        (IPNetwork.Parse("192.168.0.0/16"), "private (RFC 1918)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved (and broadcast)"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "unique local (ULA)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private readonly DestinationSettings _settings;
    private readonly string _hostname;
    private readonly IReadOnlyList<IPEndPoint> _listeners;
    // This host's interface addresses, looked up once per process: what a listener on every address answers on.
    private static readonly Lazy<HashSet<IPAddress>> InterfaceAddresses = new(LocalAddresses);

    /// <param name="hostname">This node's name: an MX host, greeting or EHLO name equal to it is this node.</param>
    /// <param name="listeners">This node's SMTP listener endpoints: an MX answer that is one of them is this node.</param>
    public DestinationPolicy(DestinationSettings settings, string hostname, IReadOnlyList<IPEndPoint> listeners)
    {
        _settings = settings;
        _hostname = Normalized(hostname);
        _listeners = listeners;
    }

    /// <summary>The special network an address is in, by name; null for a global unicast address.</summary>
    public static string? SpecialRange(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var (network, name) in SpecialNetworks)
            if (network.Contains(address)) return name;
        return null;
    }

    /// <summary>
    /// Whether a host name (an MX host, a greeting or EHLO name) is this node's own name. Only a dotted name
    /// counts: with the default "localhost", every misconfigured server that greets as "localhost" would look like us.
    /// </summary>
    public bool IsOwnName(string? name) => name is not null && _hostname.Contains('.') && Normalized(name) == _hostname;

    /// <summary>
    /// The MX route's next hops without the ones that are this node or that point where mail must not go;
    /// when none is left, why (a permanent failure: the domain's DNS says so).
    /// </summary>
    public NextHops Screen(string domain, IReadOnlyList<NextHop> hops)
    {
        if (hops.Count == 0) return new NextHops.Found(hops);
        var loops = new List<string>();
        var refused = new List<string>();
        var kept = new List<NextHop>(hops.Count);
        foreach (var hop in hops)
        {
            if (IsOwnName(hop.Host))
            {
                loops.Add($"MX host {hop.Host} is this node's name");
                continue;
            }
            var endPoints = hop.EndPoints.Where(endPoint =>
            {
                if (IsOwnListener(endPoint))
                {
                    loops.Add($"{hop.Host} [{endPoint}] is this node's SMTP listener");
                    return false;
                }
                if (SpecialRange(endPoint.Address) is { } range && !Allowed(endPoint.Address))
                {
                    refused.Add($"{hop.Host} [{endPoint.Address}] is {range}");
                    return false;
                }
                return true;
            }).ToArray();
            if (endPoints.Length > 0) kept.Add(hop with { EndPoints = [.. endPoints] });
        }
        if (kept.Count > 0) return new NextHops.Found(kept);
        return loops.Count > 0
            ? new NextHops.NotFound(new RemoteReply(554, "5.4.6", $"mail for {domain} loops back to myself: {string.Join("; ", loops)}"), true)
            : new NextHops.NotFound(new RemoteReply(550, "5.4.4",
                $"the mail exchangers of {domain} point only where this node does not deliver: {string.Join("; ", refused)} (see actormta.delivery.allow-private-destinations)"), true);
    }

    private bool Allowed(IPAddress address)
    {
        if (_settings.AllowPrivate) return true;
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _settings.AllowedNetworks.Any(n => n.Contains(address) || n.Contains(v4));
    }

    private bool IsOwnListener(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        foreach (var listener in _listeners)
        {
            if (listener.Port != endPoint.Port) continue;
            if (listener.Address.Equals(address)) return true;
            // A listener on every address answers on loopback and on each of this host's interface addresses.
            var wildcard = listener.Address.Equals(IPAddress.Any) || listener.Address.Equals(IPAddress.IPv6Any);
            if (wildcard && (IPAddress.IsLoopback(address) || InterfaceAddresses.Value.Contains(address))) return true;
        }
        return false;
    }

    private static HashSet<IPAddress> LocalAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private static string Normalized(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();
}
