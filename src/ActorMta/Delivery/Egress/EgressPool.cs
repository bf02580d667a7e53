namespace ActorMta.Delivery.Egress;

/// <param name="Weight">Its share of new connections against the pool's other sources (2 opens twice as many as 1).</param>
public sealed record WeightedSource(EgressSource Source, int Weight);

/// <summary>
/// Egress sources a domain's connections come from, with weights: a named pool from actormta.delivery.egress-pools,
/// or a domain entry's plain `egress = [..]` list (every weight 1). Warm-up overflow stays within the pool.
/// </summary>
public sealed record EgressPool(string Name, IReadOnlyList<WeightedSource> Sources)
{
    /// <summary>A plain list of sources: a pool with equal weights, named after the list.</summary>
    public static EgressPool Unweighted(IReadOnlyList<EgressSource> sources) =>
        new($"[{string.Join(", ", sources.Select(s => s.Name))}]", [.. sources.Select(s => new WeightedSource(s, 1))]) { Listed = true };

    /// <summary>A domain's plain `egress = [..]` list rather than a pool of actormta.delivery.egress-pools.</summary>
    public bool Listed { get; init; }
}

/// <summary>actormta.delivery's egress sources, named pools and warm-up, as the egress API shows them.</summary>
/// <param name="Choice">How a message picks a named pool by its header or tenant (actormta.delivery.pool-header, tenant-pools).</param>
public sealed record EgressPools(IReadOnlyList<EgressSource> Sources, IReadOnlyDictionary<string, EgressPool> Named, WarmUpSettings WarmUp,
    Contracts.PoolChoice? Choice = null);
