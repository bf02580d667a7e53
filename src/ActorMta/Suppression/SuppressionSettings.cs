using ActorMta.Configuration;

namespace ActorMta.Suppression;

/// <summary>actormta.suppression: the fleet-wide list of recipients mail is refused for.</summary>
/// <param name="Shards">Sharded entities holding the list (a hash of the recipient picks one); fixed at the first start (<see cref="SuppressionLayout"/>).</param>
/// <param name="CheckTimeout">How long RCPT (and the injection API) waits for a shard; past it the recipient is accepted.</param>
/// <param name="SnapshotEvery">Entries added or removed in a shard between snapshots.</param>
/// <param name="AddOnBounce">Bounce classes of permanent failures that add the recipient (empty: none).</param>
/// <param name="BounceExpiry">How long an entry added by a bounce lasts (null: until removed).</param>
public sealed record SuppressionSettings(
    int Shards,
    TimeSpan CheckTimeout,
    int SnapshotEvery,
    IReadOnlySet<string> AddOnBounce,
    TimeSpan? BounceExpiry,
    int MaxBulkEntries,
    int MaxPageSize,
    TimeSpan SweepInterval)
{
    public static readonly SuppressionSettings Default = new(32, TimeSpan.FromSeconds(2), 1000,
        new HashSet<string>(["InvalidRecipient", "InactiveMailbox", "BadDomain"], StringComparer.Ordinal), null, 10_000, 1000, TimeSpan.FromMinutes(1));

    public static SuppressionSettings From(SettingsReader settings)
    {
        const string root = "actormta.suppression";
        var expiry = settings.Duration($"{root}.bounce-expiry", TimeSpan.Zero);
        return new SuppressionSettings(
            settings.Int($"{root}.shards", 1, 4096),
            settings.Duration($"{root}.check-timeout", TimeSpan.FromMilliseconds(10)),
            settings.Int($"{root}.snapshot-every", 10),
            new HashSet<string>(settings.List($"{root}.add-on-bounce"), StringComparer.Ordinal),
            expiry == TimeSpan.Zero ? null : expiry,
            settings.Int($"{root}.max-bulk-entries", 1, 1_000_000),
            settings.Int($"{root}.max-page-size", 1, 100_000),
            settings.Duration($"{root}.sweep-interval", TimeSpan.FromSeconds(1)));
    }
}
