using System.Text;

namespace ActorMta.Contracts;

/// <summary>
/// The actor registry's key for the suppression list's shard region: ingress (the RCPT check), delivery
/// (hard bounces) and the admin API look it up by this, not by the shard actor's type.
/// </summary>
public sealed class SuppressionRegion
{
    private SuppressionRegion()
    {
    }
}

/// <summary>Messages routed (by Akka.Cluster.Sharding) to the suppression shard that holds an address.</summary>
public interface IWithSuppressionShard : IActorMtaSerializable
{
    int Shard { get; }
}

/// <summary>
/// One suppressed recipient in one scope. <paramref name="Recipient"/> is normalized (<see cref="SuppressionAddress.Normalize"/>);
/// <paramref name="Source"/> says who added it ("api", or "bounce:CLASS" for a hard bounce); <paramref name="QueueId"/> is the
/// message whose bounce added it, if any. From <paramref name="ExpiresAt"/> on it no longer matches.
/// </summary>
public sealed record SuppressionEntry(
    string Recipient,
    string Scope,
    string Reason,
    string Source,
    string? QueueId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null);

/// <summary>Adds (or replaces, per recipient and scope) entries of one shard. Answer: <see cref="RecipientsSuppressed"/>.</summary>
public sealed record SuppressRecipients(int Shard, IReadOnlyList<SuppressionEntry> Entries) : IWithSuppressionShard;

/// <summary>The entries are durable in the shard's journal.</summary>
public sealed record RecipientsSuppressed(int Shard, int Count) : IActorMtaSerializable;

/// <summary>Is <paramref name="Recipient"/> (normalized) suppressed in any of <paramref name="Scopes"/>? Answer: <see cref="SuppressionVerdict"/>.</summary>
public sealed record CheckSuppression(int Shard, string Recipient, IReadOnlyList<string> Scopes) : IWithSuppressionShard;

/// <summary>The entry that suppresses the recipient (global first), or null.</summary>
public sealed record SuppressionVerdict(string Recipient, SuppressionEntry? Match) : IActorMtaSerializable;

/// <summary>
/// Scopes: "global" (every sender), "domain:EXAMPLE.COM" (mail whose reverse-path is in that domain) and "user:NAME"
/// (mail submitted by that authenticated user, the tenant). A check asks for every scope a message is in.
/// </summary>
public static class SuppressionScope
{
    public const string Global = "global";

    public static string Domain(string domain) => "domain:" + domain.Trim().TrimEnd('.').ToLowerInvariant();

    public static string User(string user) => "user:" + user;

    /// <summary>The scopes a message from <paramref name="reversePath"/> (empty: the null sender) submitted by <paramref name="user"/> is in.</summary>
    public static IReadOnlyList<string> Of(string? reversePath, string? user)
    {
        var scopes = new List<string>(3) { Global };
        var at = reversePath?.LastIndexOf('@') ?? -1;
        if (at > 0 && at < reversePath!.Length - 1) scopes.Add(Domain(reversePath[(at + 1)..]));
        if (!string.IsNullOrEmpty(user)) scopes.Add(User(user));
        return scopes;
    }

    /// <summary>A scope as written by an operator, or null when it is none of the three forms.</summary>
    public static string? Parse(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope) || scope.Trim().Equals(Global, StringComparison.OrdinalIgnoreCase)) return Global;
        scope = scope.Trim();
        if (scope.StartsWith("domain:", StringComparison.OrdinalIgnoreCase) && scope.Length > "domain:".Length)
            return Domain(scope["domain:".Length..]);
        if (scope.StartsWith("user:", StringComparison.OrdinalIgnoreCase) && scope.Length > "user:".Length) return User(scope["user:".Length..]);
        return null;
    }
}

/// <summary>
/// How a recipient is keyed: trimmed, angle brackets dropped, the whole address lower-cased (the domain is
/// case-insensitive by RFC 5321; the local part is compared case-insensitively too, as receivers do in practice,
/// so "Bob@" and "bob@" are one entry). Which shard holds it is a stable hash of that, over a fixed shard count.
/// </summary>
public static class SuppressionAddress
{
    /// <summary>The normalized address, or null when <paramref name="address"/> is not local@domain.</summary>
    public static string? Normalize(string? address)
    {
        if (address is null) return null;
        var text = address.Trim();
        if (text.StartsWith('<') && text.EndsWith('>')) text = text[1..^1].Trim();
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.Length > 320 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return null;
        return text.TrimEnd('.').ToLowerInvariant();
    }

    /// <summary>FNV-1a over the UTF-8 octets: the same on every node and in every process (string.GetHashCode is not).</summary>
    public static int Shard(string normalized, int shards)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(normalized))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)shards);
    }
}
