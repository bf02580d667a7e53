using DnsClient;
using static ActorMta.Delivery.Dns.MailExchangerResolution;

namespace ActorMta.Delivery.Dns;

/// <summary>
/// Resolves destination domains to mail exchangers with DnsClient: MX records in preference order, the implicit MX,
/// null MX, address literals and IDNs; answers are cached for their TTL and concurrent lookups of a domain share one query.
/// Thread-safe; one instance serves every destination domain.
/// </summary>
public sealed class MailExchangerResolver : IMailExchangerResolver
{
    private readonly MxLookup _lookup;
    private readonly ResolutionCache _cache;
    private readonly MailExchangerOrder _order;

    /// <param name="settings">Name servers, timeouts, address preference and cache bounds.</param>
    /// <param name="timeProvider">Clock for cache expiry (default: the system clock).</param>
    /// <param name="random">Source for shuffling equal preferences (default: <see cref="Random.Shared"/>).</param>
    public MailExchangerResolver(MailExchangerResolverSettings settings, TimeProvider? timeProvider = null, Random? random = null)
    {
        settings.Validate();
        _lookup = new MxLookup(CreateClient(settings), settings);
        _cache = new ResolutionCache(settings.MaxCachedDomains, timeProvider ?? TimeProvider.System);
        _order = new MailExchangerOrder(settings.AddressPreference, random ?? Random.Shared);
    }

    /// <summary>A DnsClient for the node's name servers, as MX resolution uses them (MTA-STS asks its TXT records the same way).</summary>
    internal static LookupClient CreateClient(MailExchangerResolverSettings settings)
    {
        var options = settings.NameServers.IsDefaultOrEmpty ? new LookupClientOptions() : new LookupClientOptions([.. settings.NameServers]);
        options.Timeout = settings.QueryTimeout;
        options.Retries = settings.Retries;
        options.UseTcpFallback = settings.UseTcpFallback;
        options.UseCache = false; // callers cache whole resolutions, so a cache hit costs no query at all
        options.ThrowDnsErrors = false;
        options.ContinueOnEmptyResponse = false; // NODATA is an answer, not a reason to ask the next server
        options.UseRandomNameServer = false; // servers are tried in the configured order
        return new LookupClient(options);
    }

    /// <summary>How many domains are cached right now.</summary>
    public int CachedDomainCount => _cache.Count;

    /// <inheritdoc />
    public async Task<MailExchangerResolution> ResolveAsync(string domain, CancellationToken cancellationToken = default)
    {
        var destination = Destination.Parse(domain);
        if (destination is Destination.Invalid invalid)
        {
            return new PermanentFailure(invalid.Input, ResolutionFailure.InvalidDomain, "5.1.3", $"invalid destination domain '{invalid.Input}': {invalid.Reason}");
        }

        if (destination is Destination.AddressLiteral literal)
        {
            return new Resolved(literal.Literal, [new MailExchanger(literal.Literal, 0, [literal.Address])], MailExchangerSource.AddressLiteral);
        }

        var host = (Destination.HostName)destination;

        // The shared lookup is not cancelled with this caller: others may be waiting on it, and DNS timeouts bound it.
        var resolution = await _cache.GetOrLookUpAsync(host.Ascii, _lookup.LookUpAsync).WaitAsync(cancellationToken).ConfigureAwait(false);
        return resolution is Resolved resolved ? resolved with { MailExchangers = _order.Arrange(resolved.MailExchangers) } : resolution;
    }
}
