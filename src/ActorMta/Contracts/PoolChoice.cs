namespace ActorMta.Contracts;

/// <summary>
/// Which egress pool a message asks for, decided once at acceptance (SMTP and the injection API) and carried in its
/// envelope: its pool header field (<see cref="HeaderField"/>, honoured only from clients that may relay: trusted,
/// authenticated, or the injection API) beats its tenant's pool (the SMTP AUTH user in <see cref="Tenants"/>); with
/// neither, delivery uses the destination domain's pool, else the default sources. The header field is removed from
/// every message, honoured or not, before it is stored (and signed): it never leaves the relay.
/// </summary>
/// <param name="HeaderField">actormta.delivery.pool-header: the field name, e.g. X-ActorMta-Pool.</param>
/// <param name="Pools">The names in actormta.delivery.egress-pools.</param>
/// <param name="Tenants">actormta.delivery.tenant-pools: AUTH user to pool name.</param>
public sealed record PoolChoice(string HeaderField, IReadOnlySet<string> Pools, IReadOnlyDictionary<string, string> Tenants)
{
    public const string DefaultHeaderField = "X-ActorMta-Pool";

    public static readonly PoolChoice None = new(DefaultHeaderField, new HashSet<string>(), new Dictionary<string, string>());

    /// <summary>The pool of a message: its header's value when honoured, else its tenant's; null: the domain's pool.</summary>
    /// <param name="header">The header field's value (trimmed), if the message had it and the client may pick a pool.</param>
    /// <param name="refusal">Why the message is refused (the header names no pool here); null when it is not.</param>
    public string? Choose(string? header, string? tenant, out string? refusal)
    {
        refusal = null;
        if (header is not null)
        {
            if (Pools.Contains(header)) return header;
            refusal = Pools.Count == 0
                ? $"{HeaderField} names egress pool '{Shown(header)}' but this relay defines no egress pools"
                : $"{HeaderField} names egress pool '{Shown(header)}', which this relay does not have (it has {string.Join(", ", Pools.Order(StringComparer.Ordinal))})";
            return null;
        }
        return tenant is not null && Tenants.TryGetValue(tenant, out var pool) ? pool : null;
    }

    /// <summary>At most 64 printable ASCII characters of a client's value, for a reply line.</summary>
    private static string Shown(string value) =>
        new([.. value.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
}
