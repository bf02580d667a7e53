using System.Collections.Immutable;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace ActorMta.Delivery.Dns;

/// <summary>The addresses of one host name, how long they may be kept, and what went wrong when there are none.</summary>
internal sealed record HostAddresses(ImmutableArray<IPAddress> Addresses, TimeSpan TimeToLive, ResolutionFailure? TemporaryFailure, string Problem);

/// <summary>
/// Resolves a host name to A and/or AAAA addresses, following CNAMEs: from the answer when the server chased
/// them, otherwise by asking for the canonical name itself (at most <see cref="MaxCnameChain"/> steps).
/// </summary>
internal sealed class HostAddressLookup(ILookupClient dns, MailExchangerResolverSettings settings)
{
    private const int MaxCnameChain = 8;

    public async Task<HostAddresses> LookUpAsync(string host)
    {
        QueryType[] types = settings.AddressPreference switch
        {
            AddressFamilyPreference.IPv4Only => [QueryType.A],
            AddressFamilyPreference.IPv6Only => [QueryType.AAAA],
            _ => [QueryType.A, QueryType.AAAA],
        };
        var perType = await Task.WhenAll(types.Select(type => LookUpAsync(host, type))).ConfigureAwait(false);
        var addresses = perType.SelectMany(r => r.Addresses).Distinct().ToImmutableArray();
        if (!addresses.IsEmpty)
        {
            var ttl = perType.Where(r => !r.Addresses.IsEmpty).Min(r => r.TimeToLive);
            return new HostAddresses(addresses, ttl, null, "");
        }

        var temporary = perType.FirstOrDefault(r => r.TemporaryFailure is not null);
        return new HostAddresses([], TimeSpan.Zero, temporary?.TemporaryFailure, temporary?.Problem ?? string.Join("; ", perType.Select(r => r.Problem)));
    }

    private async Task<HostAddresses> LookUpAsync(string host, QueryType type)
    {
        var name = host;
        var ttl = settings.MaxPositiveTtl;
        for (var step = 0; step <= MaxCnameChain; step++)
        {
            var answer = await DnsAnswer.AskAsync(dns, name, type).ConfigureAwait(false);
            if (answer.Response is null || answer.IsNoSuchName)
            {
                return new HostAddresses([], TimeSpan.Zero, answer.TemporaryFailure, answer.Problem);
            }

            var records = answer.Response.Answers;
            if (records.Count > 0)
            {
                ttl = Min(ttl, TimeSpan.FromSeconds(records.Min(r => r.TimeToLive)));
            }

            var addresses = records.OfType<AddressRecord>().Select(r => r.Address).ToImmutableArray();
            if (!addresses.IsEmpty)
            {
                return new HostAddresses(addresses, ttl, null, "");
            }

            var canonical = EndOfChain(name, records.CnameRecords());
            if (canonical == name)
            {
                return new HostAddresses([], TimeSpan.Zero, null, $"{type} lookup for {host}: no {type} record");
            }

            name = canonical;
        }

        return new HostAddresses([], TimeSpan.Zero, null, $"{type} lookup for {host}: CNAME chain longer than {MaxCnameChain}");
    }

    /// <summary>Follows the CNAMEs in one answer from <paramref name="name"/> to the name they end at.</summary>
    private static string EndOfChain(string name, IEnumerable<CNameRecord> cnames)
    {
        var aliases = cnames
            .GroupBy(c => Normalize(c.DomainName.Value))
            .ToDictionary(g => g.Key, g => Normalize(g.First().CanonicalName.Value));
        var current = Normalize(name);
        for (var step = 0; step < MaxCnameChain && aliases.TryGetValue(current, out var target); step++)
        {
            current = target;
        }

        return current;
    }

    internal static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
