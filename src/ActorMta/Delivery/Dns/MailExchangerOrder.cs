using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace ActorMta.Delivery.Dns;

/// <summary>
/// The order in which to try exchangers and their addresses: by MX preference, randomly among equal preferences
/// (RFC 5321 5.1, so load spreads), and within a host by the preferred address family, randomly within a family.
/// Applied on every call, so a cached answer still spreads load.
/// </summary>
internal sealed class MailExchangerOrder(AddressFamilyPreference preference, Random random)
{
    private readonly Lock _gate = new();

    public ImmutableArray<MailExchanger> Arrange(ImmutableArray<MailExchanger> exchangers)
    {
        lock (_gate)
        {
            return [.. exchangers
                .GroupBy(e => e.Preference)
                .OrderBy(g => g.Key)
                .SelectMany(Shuffled)
                .Select(e => e with { Addresses = ArrangeAddresses(e.Addresses) })];
        }
    }

    private ImmutableArray<IPAddress> ArrangeAddresses(ImmutableArray<IPAddress> addresses) =>
        [.. addresses.GroupBy(a => a.AddressFamily).OrderBy(g => FamilyRank(g.Key)).SelectMany(Shuffled)];

    private int FamilyRank(AddressFamily family) =>
        (family == AddressFamily.InterNetworkV6) == (preference is AddressFamilyPreference.PreferIPv6 or AddressFamilyPreference.IPv6Only) ? 0 : 1;

    private T[] Shuffled<T>(IEnumerable<T> items)
    {
        var array = items.ToArray();
        random.Shuffle(array);
        return array;
    }
}
