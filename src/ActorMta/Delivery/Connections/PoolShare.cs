using ActorMta.Delivery.Egress;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// One egress pool's part of a domain's connections: its sources (slots shared with every other pool of the domain that
/// has the same source, so a source's connection limit and rates hold whichever pool opened them) with the pool's own
/// weights and smooth weighted rotation. A connection opened for it carries only mail of a pool that has its source.
/// </summary>
internal sealed class PoolShare
{
    /// <summary>A source in the pool: its share grows by its weight at each opening, less the pool's total when chosen (as nginx's upstreams).</summary>
    public sealed class Member(SourceSlot slot, int weight)
    {
        public SourceSlot Slot { get; } = slot;
        public int Weight { get; } = weight;
        public long Credit { get; set; }
    }

    public PoolShare(EgressPool pool, Func<EgressSource, SourceSlot> slotOf)
    {
        Pool = pool;
        Members = [.. pool.Sources.Select(s => new Member(slotOf(s.Source), s.Weight))];
        TotalWeight = Members.Sum(m => m.Weight);
    }

    public EgressPool Pool { get; }
    public string Name => Pool.Name;
    public Member[] Members { get; }
    public int TotalWeight { get; }

    /// <summary>Where the next choice starts looking (ties go round).</summary>
    public int Rotation { get; set; }

    public bool Has(SourceSlot slot)
    {
        foreach (var member in Members)
            if (member.Slot == slot) return true;
        return false;
    }

    /// <summary>The chosen member opened a connection: the rotation moves on.</summary>
    public void Chose(Member chosen)
    {
        foreach (var member in Members) member.Credit += member.Weight;
        chosen.Credit -= TotalWeight;
        Rotation++;
    }

    /// <summary>Fewer connections for its weight first; between equals, the one the weighted rotation owes most.</summary>
    public static bool Before(Member member, Member chosen)
    {
        var (mine, theirs) = ((long)member.Slot.Connections * chosen.Weight, (long)chosen.Slot.Connections * member.Weight);
        return mine < theirs || (mine == theirs && member.Credit > chosen.Credit);
    }
}
