using ActorMta.Contracts;

namespace ActorMta.Suppression;

/// <summary>Journal event: entries added or replaced in a shard (one event per add, however many entries it carries).</summary>
public sealed record SuppressionAdded(IReadOnlyList<SuppressionEntry> Entries) : IActorMtaSerializable;

/// <summary>Journal event: a recipient removed from one scope, or from all (null).</summary>
public sealed record SuppressionRemoved(string Recipient, string? Scope) : IActorMtaSerializable;

/// <summary>A shard's snapshot: its live entries.</summary>
public sealed record SuppressionSnapshot(IReadOnlyList<SuppressionEntry> Entries) : IActorMtaSerializable;
