using System.Net;
using System.Net.Sockets;
using ActorMta.Configuration;

namespace ActorMta.Ingress.Policy;

/// <summary>
/// Which client addresses count as one client for the per-client limits (connections, AUTH failures).
/// An IPv6 customer usually gets a whole /64 (or more), so counting single IPv6 addresses would let one
/// client take every slot and guess passwords without end; IPv4-mapped IPv6 addresses count as IPv4.
/// </summary>
/// <param name="Ipv4Prefix">Leading bits of an IPv4 address that name its client (32: the address itself).</param>
/// <param name="Ipv6Prefix">Leading bits of an IPv6 address that name its client (64: the customer's subnet).</param>
public sealed record ClientGroups(int Ipv4Prefix = 32, int Ipv6Prefix = 64)
{
    public static ClientGroups From(SettingsReader settings) => new(
        settings.Int("actormta.smtp.client-ipv4-prefix", 1, 32),
        settings.Int("actormta.smtp.client-ipv6-prefix", 1, 128));

    /// <summary>The network address of <paramref name="client"/>'s group: the address with the bits past the prefix cleared.</summary>
    public IPAddress KeyOf(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        var prefix = client.AddressFamily == AddressFamily.InterNetwork ? Ipv4Prefix : Ipv6Prefix;
        Span<byte> bytes = stackalloc byte[16];
        client.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        if (prefix >= length * 8 && (length == 4 || client.ScopeId == 0)) return client;
        for (var bit = prefix; bit < length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes); // without the scope id: fe80::1%eth0 and fe80::1%eth1 are one link-local group
    }

    /// <summary>The group as CIDR text for logs: "2001:db8:1:2::/64", or the bare address for a whole-address group.</summary>
    public string Describe(IPAddress client)
    {
        var key = KeyOf(client);
        var prefix = key.AddressFamily == AddressFamily.InterNetwork ? Ipv4Prefix : Ipv6Prefix;
        return prefix == (key.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) ? key.ToString() : $"{key}/{prefix}";
    }
}
