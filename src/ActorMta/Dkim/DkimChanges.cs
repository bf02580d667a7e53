namespace ActorMta.Dkim;

/// <summary>What a reload changed, in words for the one log line an operator reads after switching a selector.</summary>
public static class DkimChanges
{
    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>, one phrase each (none: nothing changed).</summary>
    public static IReadOnlyList<string> Describe(DkimSigning before, DkimSigning after)
    {
        var changes = new List<string>();
        var was = before.Settings.Domains;
        var now = after.Settings.Domains;
        foreach (var domain in was.Keys.Except(now.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
            changes.Add($"{domain} is no longer signed");
        foreach (var (domain, entry) in now.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (!was.TryGetValue(domain, out var old))
            {
                changes.Add($"{domain} now signs with {entry.Active.Name} (new)");
                continue;
            }
            if (old.Active.Name != entry.Active.Name) changes.Add($"{domain} now signs with {entry.Active.Name} (was {old.Active.Name})");
            var names = Names(entry.Selectors);
            if (names != Names(old.Selectors)) changes.Add($"{domain} has selectors {names} (was {Names(old.Selectors)})");
            if (!entry.Headers.SequenceEqual(old.Headers, StringComparer.OrdinalIgnoreCase) || !entry.OverSign.SequenceEqual(old.OverSign, StringComparer.OrdinalIgnoreCase))
                changes.Add($"{domain} signs header fields {string.Join(':', entry.Headers)}, over-signs {string.Join(':', entry.OverSign)}");
            foreach (var selector in entry.Selectors)
                if (old.Selectors.FirstOrDefault(s => s.Name == selector.Name) is { } same && before.Keys.TryGetValue(same, out var oldKey)
                    && after.Keys.TryGetValue(selector, out var newKey) && !ReferenceEquals(oldKey.Key, newKey.Key))
                    changes.Add($"{domain} selector {selector.Name} has a new key ({selector.KeyFile})");
        }
        if (before.Settings.Default?.Domain != after.Settings.Default?.Domain)
            changes.Add($"default-domain is {after.Settings.Default?.Domain ?? "none"} (was {before.Settings.Default?.Domain ?? "none"})");
        return changes;
    }

    private static string Names(IEnumerable<DkimSelector> selectors) => string.Join(", ", selectors.Select(s => s.Name).Order(StringComparer.Ordinal));
}
