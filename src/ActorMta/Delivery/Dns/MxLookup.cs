using System.Collections.Immutable;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using static ActorMta.Delivery.Dns.MailExchangerResolution;

namespace ActorMta.Delivery.Dns;

/// <summary>A resolution and how long it may be cached (zero: not at all).</summary>
internal sealed record TimedResolution(MailExchangerResolution Resolution, TimeSpan TimeToLive);

/// <summary>
/// The DNS side of MX resolution (RFC 5321 5.1): MX records, null MX (RFC 7505), the implicit MX when there are
/// none, and the addresses of each exchanger. Decides for each outcome whether it is final and how long it holds.
/// </summary>
internal sealed class MxLookup(ILookupClient dns, MailExchangerResolverSettings settings)
{
    private const string BadDestination = "5.1.2";
    private const string NullMxStatus = "5.1.10";
    private const string DirectoryFailure = "4.4.3";

    private readonly HostAddressLookup _hosts = new(dns, settings);

    public async Task<TimedResolution> LookUpAsync(string domain)
    {
        var answer = await DnsAnswer.AskAsync(dns, domain, QueryType.MX).ConfigureAwait(false);
        if (answer.TemporaryFailure is { } failure)
        {
            return Uncached(new TemporaryFailure(domain, failure, DirectoryFailure, answer.Problem));
        }

        var response = answer.Response!;
        if (answer.IsNoSuchName)
        {
            return new(new PermanentFailure(domain, ResolutionFailure.NoSuchDomain, BadDestination, $"{domain}: no such domain (NXDOMAIN)"), NegativeTtl(response));
        }

        var mxRecords = response.Answers.MxRecords().ToList();
        if (mxRecords.Count == 0)
        {
            return await ImplicitMxAsync(domain, response).ConfigureAwait(false);
        }

        // A "." exchange is a null MX; beside real exchangers it is meaningless and skipped.
        var exchanges = mxRecords.Where(r => !IsRoot(r)).ToList();
        if (exchanges.Count == 0)
        {
            // Kept like other negative answers: its own TTL within the negative bounds.
            var ttl = Clamp(TimeSpan.FromSeconds(mxRecords.Min(r => r.TimeToLive)), settings.MinNegativeTtl, settings.MaxNegativeTtl);
            return new(new PermanentFailure(domain, ResolutionFailure.NullMx, NullMxStatus, $"{domain} does not accept mail (null MX, RFC 7505)"), ttl);
        }

        return await ExchangersAsync(domain, exchanges).ConfigureAwait(false);
    }

    private async Task<TimedResolution> ExchangersAsync(string domain, List<MxRecord> records)
    {
        // One entry per host, at its best preference; the most preferred ones only, so a huge MX set stays bounded.
        var hosts = records
            .GroupBy(r => HostAddressLookup.Normalize(r.Exchange.Value))
            .Select(g => (Host: g.Key, Preference: (int)g.Min(r => r.Preference), Ttl: g.Min(r => r.TimeToLive)))
            .OrderBy(h => h.Preference)
            .Take(settings.MaxMailExchangers)
            .ToList();
        var lookups = await Task.WhenAll(hosts.Select(h => IsIpLiteral(h.Host)
            ? Task.FromResult(new HostAddresses([], TimeSpan.Zero, null, $"MX target {h.Host} is an IP address, not a host name"))
            : _hosts.LookUpAsync(h.Host))).ConfigureAwait(false);

        var exchangers = hosts.Zip(lookups, (h, l) => new MailExchanger(h.Host, h.Preference, l.Addresses))
            .Where(e => !e.Addresses.IsEmpty)
            .ToImmutableArray();
        if (exchangers.IsEmpty)
        {
            var kind = lookups.Select(l => l.TemporaryFailure).FirstOrDefault(f => f == ResolutionFailure.DnsTimeout)
                       ?? ResolutionFailure.NoMailExchangerAddresses;
            var reasons = string.Join("; ", lookups.Select(l => l.Problem));
            return Uncached(new TemporaryFailure(domain, kind, DirectoryFailure, $"no MX host of {domain} has a usable address: {reasons}"));
        }

        var ttl = Min(TimeSpan.FromSeconds(hosts.Min(h => h.Ttl)), lookups.Where(l => !l.Addresses.IsEmpty).Min(l => l.TimeToLive));
        if (lookups.Any(l => l.TemporaryFailure is not null))
        {
            // Some exchangers were only missing for now: look again soon rather than for the full TTL.
            ttl = Min(ttl, settings.MinNegativeTtl);
        }

        return new(new Resolved(domain, exchangers, MailExchangerSource.MxRecords), Min(ttl, settings.MaxPositiveTtl));
    }

    private async Task<TimedResolution> ImplicitMxAsync(string domain, IDnsQueryResponse mxResponse)
    {
        var host = await _hosts.LookUpAsync(domain).ConfigureAwait(false);
        if (!host.Addresses.IsEmpty)
        {
            var implicitMx = new MailExchanger(domain, 0, host.Addresses);
            var ttl = Min(Min(host.TimeToLive, NegativeTtl(mxResponse)), settings.MaxPositiveTtl);
            return new(new Resolved(domain, [implicitMx], MailExchangerSource.ImplicitMx), ttl);
        }

        if (host.TemporaryFailure is { } failure)
        {
            return Uncached(new TemporaryFailure(domain, failure, DirectoryFailure, host.Problem));
        }

        return new(new PermanentFailure(domain, ResolutionFailure.NoAddresses, BadDestination, $"{domain} has no MX and no usable A/AAAA record"), NegativeTtl(mxResponse));
    }

    /// <summary>How long a negative answer holds: the SOA's TTL capped by its MINIMUM (RFC 2308 5), within the configured bounds.</summary>
    private TimeSpan NegativeTtl(IDnsQueryResponse response)
    {
        var soa = response.Authorities.SoaRecords().FirstOrDefault();
        var fromSoa = soa is null ? settings.MinNegativeTtl : TimeSpan.FromSeconds(Math.Min(soa.TimeToLive, soa.Minimum));
        return Clamp(fromSoa, settings.MinNegativeTtl, settings.MaxNegativeTtl);
    }

    private static bool IsRoot(MxRecord record) => record.Exchange.Value is "." or "";

    private static bool IsIpLiteral(string host) =>
        host.StartsWith('[') || (IPAddress.TryParse(host, out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || host.Count(c => c == '.') == 3));

    private static TimedResolution Uncached(MailExchangerResolution resolution) => new(resolution, TimeSpan.Zero);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
