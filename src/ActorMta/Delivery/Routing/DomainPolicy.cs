using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;

namespace ActorMta.Delivery.Routing;

/// <summary>Everything that decides how one destination domain is delivered to: route, limits, egress pool, backoff.</summary>
/// <param name="Pattern">The configured entry this came from; null for the defaults.</param>
/// <param name="Path">The entry's setting path (actormta.delivery.domains."example.com"), or the defaults'.</param>
/// <param name="Keys">The keys the entry sets itself; the others come from the defaults.</param>
public sealed record DomainPolicy(DomainPattern? Pattern, DeliveryRoute Route, DomainLimits Limits, EgressPool Egress, BackoffSettings Backoff,
    string Path = DomainPolicy.DefaultsPath, IReadOnlySet<string>? Keys = null)
{
    public const string DefaultsPath = "actormta.delivery.defaults";

    /// <summary>The full path of the setting that gave <paramref name="key"/> its value for this policy.</summary>
    public string SourceOf(string key) => Keys?.Contains(key) == true ? $"{Path}.{key}" : $"{DefaultsPath}.{key}";
}

/// <summary>The defaults and the per-domain entries; an exact entry wins over wildcards, a longer wildcard over a shorter one.</summary>
public sealed class DomainPolicies(DomainPolicy defaults, IReadOnlyList<DomainPolicy> entries)
{
    public DomainPolicy Defaults { get; } = defaults;
    public IReadOnlyList<DomainPolicy> Entries { get; } = entries;

    public DomainPolicy For(string domain)
    {
        DomainPolicy? best = null;
        foreach (var entry in Entries)
        {
            var pattern = entry.Pattern!;
            if (!pattern.Matches(domain)) continue;
            if (!pattern.IsWildcard) return entry;
            if (best is null || pattern.Suffix.Length > best.Pattern!.Suffix.Length) best = entry;
        }
        return best ?? Defaults;
    }
}
