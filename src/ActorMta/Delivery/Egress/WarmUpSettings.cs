using ActorMta.Delivery.Routing;

namespace ActorMta.Delivery.Egress;

/// <summary>A receiving provider recognised by its MX host names (*.google.com, *.outlook.com, ...): warm-up caps count per group.</summary>
public sealed record ProviderGroup(string Name, IReadOnlyList<DomainPattern> MxHosts)
{
    public bool Matches(string host) => MxHosts.Any(p => p.Matches(host));
}

/// <summary>actormta.delivery.warmup and each egress source's `warmup` schedule.</summary>
/// <param name="Schedules">Messages per UTC day by day number (index 0 = day 1), by source name; a source not here has no cap.</param>
/// <param name="File">Where today's counts and each schedule's first day are kept (in the data directory); null: memory only.</param>
/// <param name="WriteEvery">At most one write (and fsync) of <paramref name="File"/> per this long; default one second.</param>
public sealed record WarmUpSettings(IReadOnlyList<ProviderGroup> Providers, IReadOnlyDictionary<string, IReadOnlyList<int>> Schedules, string? File,
    TimeSpan? WriteEvery = null)
{
    public TimeSpan WriteInterval => WriteEvery ?? TimeSpan.FromSeconds(1);

    public static readonly WarmUpSettings None = new([], new Dictionary<string, IReadOnlyList<int>>(), null);

    /// <summary>The provider group of a next hop's MX host names: the first group any of them belongs to.</summary>
    public string? GroupOf(IEnumerable<string> hosts)
    {
        foreach (var host in hosts)
        {
            var name = host.Trim().TrimEnd('.').ToLowerInvariant();
            foreach (var group in Providers)
                if (group.Matches(name)) return group.Name;
        }
        return null;
    }
}
