using ActorMta.Contracts;

namespace ActorMta.Suppression;

/// <summary>
/// One shard's entries, in memory: keyed by (normalized recipient, scope), so a check is one lookup per scope.
/// Kept compact for large lists: values are structs (no object per entry), times are ticks, and the scope,
/// reason and source strings that repeat (bulk adds, the same bounce text) are shared through a pool.
/// Expired entries stop matching at once and are dropped by <see cref="Sweep"/> (and left out of snapshots).
/// </summary>
public sealed class SuppressionList
{
    private readonly record struct Stored(string Reason, string Source, string? QueueId, long CreatedTicks, long ExpiresTicks);

    private readonly Dictionary<(string Recipient, string Scope), Stored> _entries = [];
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Adds or replaces (per recipient and scope). Entries that are already expired are not kept.</summary>
    public void Add(SuppressionEntry entry, DateTimeOffset now)
    {
        var key = (entry.Recipient, Shared(entry.Scope));
        if (entry.ExpiresAt is { } expires && expires <= now)
        {
            _entries.Remove(key);
            return;
        }
        if (_pool.Count > 100_000) _pool.Clear(); // many distinct texts: stop sharing rather than grow twice
        _entries[key] = new Stored(Shared(entry.Reason), Shared(entry.Source), entry.QueueId, entry.CreatedAt.UtcTicks, entry.ExpiresAt?.UtcTicks ?? long.MaxValue);
    }

    /// <summary>Removes the recipient from <paramref name="scope"/>, or from every scope when null. Returns how many entries went.</summary>
    public int Remove(string recipient, string? scope)
    {
        if (scope is not null) return _entries.Remove((recipient, scope)) ? 1 : 0;
        var keys = _entries.Keys.Where(k => k.Recipient == recipient).ToArray();
        foreach (var key in keys) _entries.Remove(key);
        return keys.Length;
    }

    /// <summary>The entry that suppresses <paramref name="recipient"/> in one of <paramref name="scopes"/> (first match in their order), or null.</summary>
    public SuppressionEntry? Find(string recipient, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        foreach (var scope in scopes)
            if (_entries.TryGetValue((recipient, scope), out var stored) && stored.ExpiresTicks > now.UtcTicks)
                return ToEntry(recipient, scope, stored);
        return null;
    }

    /// <summary>Up to <paramref name="limit"/> live entries after (recipient, scope) <paramref name="after"/>, in ordinal order; optionally one scope only.</summary>
    public IReadOnlyList<SuppressionEntry> Page((string Recipient, string Scope)? after, int limit, string? scope, DateTimeOffset now) =>
        [.. _entries
            .Where(e => e.Value.ExpiresTicks > now.UtcTicks && (scope is null || e.Key.Scope == scope) && (after is null || Compare(e.Key, after.Value) > 0))
            .OrderBy(e => e.Key.Recipient, StringComparer.Ordinal).ThenBy(e => e.Key.Scope, StringComparer.Ordinal)
            .Take(limit)
            .Select(e => ToEntry(e.Key.Recipient, e.Key.Scope, e.Value))];

    /// <summary>Live entries counted by source and by scope.</summary>
    public (int Total, Dictionary<string, int> BySource, Dictionary<string, int> ByScope) Summary(DateTimeOffset now)
    {
        var (bySource, byScope, total) = (new Dictionary<string, int>(), new Dictionary<string, int>(), 0);
        foreach (var (key, stored) in _entries)
        {
            if (stored.ExpiresTicks <= now.UtcTicks) continue;
            total++;
            bySource[stored.Source] = bySource.GetValueOrDefault(stored.Source) + 1;
            byScope[key.Scope] = byScope.GetValueOrDefault(key.Scope) + 1;
        }
        return (total, bySource, byScope);
    }

    /// <summary>Drops expired entries; returns how many.</summary>
    public int Sweep(DateTimeOffset now)
    {
        var expired = _entries.Where(e => e.Value.ExpiresTicks <= now.UtcTicks).Select(e => e.Key).ToArray();
        foreach (var key in expired) _entries.Remove(key);
        return expired.Length;
    }

    /// <summary>Every live entry (a snapshot).</summary>
    public IReadOnlyList<SuppressionEntry> All(DateTimeOffset now) =>
        [.. _entries.Where(e => e.Value.ExpiresTicks > now.UtcTicks).Select(e => ToEntry(e.Key.Recipient, e.Key.Scope, e.Value))];

    private static int Compare((string Recipient, string Scope) a, (string Recipient, string Scope) b)
    {
        var byRecipient = string.CompareOrdinal(a.Recipient, b.Recipient);
        return byRecipient != 0 ? byRecipient : string.CompareOrdinal(a.Scope, b.Scope);
    }

    private static SuppressionEntry ToEntry(string recipient, string scope, Stored stored) => new(
        recipient, scope, stored.Reason, stored.Source, stored.QueueId, new DateTimeOffset(stored.CreatedTicks, TimeSpan.Zero),
        stored.ExpiresTicks == long.MaxValue ? null : new DateTimeOffset(stored.ExpiresTicks, TimeSpan.Zero));

    private string Shared(string text)
    {
        if (_pool.TryGetValue(text, out var shared)) return shared;
        _pool[text] = text;
        return text;
    }
}
