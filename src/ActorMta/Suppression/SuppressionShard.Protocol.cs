using ActorMta.Contracts;

namespace ActorMta.Suppression;

/// <summary>The shard's operator protocol (the add and the check are in Contracts: ingress and delivery send them).</summary>
public sealed partial class SuppressionShard
{
    /// <summary>Starts the shard (recovery) with nothing else to do.</summary>
    public sealed record Wake(int Shard) : IWithSuppressionShard;

    /// <summary>Removes a recipient from one scope, or from every scope (null). Answer: <see cref="Removed"/>.</summary>
    public sealed record Remove(int Shard, string Recipient, string? Scope) : IWithSuppressionShard;

    public sealed record Removed(int Count) : IActorMtaSerializable;

    /// <summary>Up to <paramref name="Limit"/> entries after (<paramref name="AfterRecipient"/>, <paramref name="AfterScope"/>), ordinal order. Answer: <see cref="Page"/>.</summary>
    public sealed record List(int Shard, string? AfterRecipient, string? AfterScope, int Limit, string? Scope) : IWithSuppressionShard;

    public sealed record Page(int Shard, IReadOnlyList<SuppressionEntry> Entries) : IActorMtaSerializable;

    /// <summary>Counts of live entries. Answer: <see cref="Summary"/>.</summary>
    public sealed record GetSummary(int Shard) : IWithSuppressionShard;

    public sealed record Summary(int Shard, int Total, IReadOnlyDictionary<string, int> BySource, IReadOnlyDictionary<string, int> ByScope) : IActorMtaSerializable;
}
