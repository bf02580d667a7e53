using System.Net;
using ActorMta.Configuration;

namespace ActorMta.Ingress.Policy;

/// <summary>The client networks whose mail may go anywhere (Postfix's mynetworks), as CIDR blocks.</summary>
public sealed class TrustedNetworks
{
    private readonly IPNetwork[] _networks;

    public TrustedNetworks(IEnumerable<IPNetwork> networks) => _networks = networks.ToArray();

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Whether <paramref name="client"/> lies in one of the networks (IPv4-mapped IPv6 counts as IPv4).</summary>
    public bool Contains(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        foreach (var network in _networks)
            if (network.Contains(client)) return true;
        return false;
    }

    /// <summary>Parses "10.0.0.0/8", "2001:db8::/32" or a single address (a /32 or /128).</summary>
    public static TrustedNetworks Parse(IEnumerable<string> blocks, string settingPath)
    {
        var networks = new List<IPNetwork>();
        foreach (var block in blocks)
        {
            // Host bits after the prefix ("10.0.0.1/8") are refused, not masked: it is a typo for /32 as often as for 10.0.0.0/8.
            if (IPNetwork.TryParse(block, out var network) && network.BaseAddress.Equals(IPAddress.Parse(block.Split('/')[0])))
                networks.Add(network);
            else if (!block.Contains('/') && IPAddress.TryParse(block, out var single))
                networks.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else
                throw new SettingException(settingPath, block, "CIDR blocks like 10.0.0.0/8 or ::1/128 (no host bits set after the prefix)");
        }
        return new TrustedNetworks(networks);
    }
}
