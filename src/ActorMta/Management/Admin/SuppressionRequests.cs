using ActorMta.Contracts;

namespace ActorMta.Management.Admin;

/// <summary>
/// The suppression API's request bodies (KumoMTA's proposed /api/admin/suppression/v1 shapes, snake_case) and
/// how one becomes an entry: a recipient (local@domain), a scope ("global" by default, "domain:D" or "user:U"),
/// a reason, and optionally an expiry (duration "30d" or expires, an RFC 3339 time).
/// </summary>
public static class SuppressionRequests
{
    public sealed record AddRequest(string? Recipient, string? Scope, string? Reason, string? Duration, DateTimeOffset? Expires);

    /// <summary>Bulk: each entry's missing scope, reason, duration and expires come from the request's own.</summary>
    public sealed record BulkRequest(IReadOnlyList<AddRequest?>? Entries, string? Scope, string? Reason, string? Duration, DateTimeOffset? Expires);

    public sealed record RemoveRequest(string? Recipient, string? Scope);

    public sealed record BulkFailure(int Index, string? Recipient, string Error);

    public const string ManualSource = "api";
    public const string DefaultReason = "added by an operator";

    /// <summary>The entry, or why the request cannot be one (for a 422).</summary>
    public static (SuppressionEntry? Entry, string? Error) ToEntry(AddRequest request, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(request.Recipient)) return (null, "recipient is required (local@domain)");
        if (SuppressionAddress.Normalize(request.Recipient) is not { } recipient) return (null, $"recipient '{request.Recipient}' is not an address (local@domain)");
        if (SuppressionScope.Parse(request.Scope) is not { } scope) return (null, $"scope '{request.Scope}' is not one of global, domain:DOMAIN, user:NAME");
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? DefaultReason : request.Reason.Trim();
        if (reason.Length > 1000) return (null, "reason is longer than 1000 characters");
        DateTimeOffset? expires = null;
        if (request.Duration is not null || request.Expires is not null)
        {
            if (OperatorRules.LengthOf(request.Duration, request.Expires, now) is not { } length)
                return (null, "duration (90s, 30m, 2h, 1d) or expires (a future RFC 3339 time) is not usable");
            expires = now + length;
        }
        return (new SuppressionEntry(recipient, scope, reason, ManualSource, null, now, expires), null);
    }

    /// <summary>A bulk request's entries with the request's defaults filled in.</summary>
    public static IEnumerable<AddRequest?> WithDefaults(BulkRequest bulk) => (bulk.Entries ?? []).Select(e => e is null ? null : e with
    {
        Scope = e.Scope ?? bulk.Scope,
        Reason = e.Reason ?? bulk.Reason,
        Duration = e.Duration ?? (e.Expires is null ? bulk.Duration : null),
        Expires = e.Expires ?? (e.Duration is null ? bulk.Expires : null),
    });

    /// <summary>A list cursor: where the last page ended (shard, recipient, scope), opaque to clients.</summary>
    public static string Cursor(int shard, SuppressionEntry last) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{shard}\n{last.Recipient}\n{last.Scope}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (int Shard, string Recipient, string Scope)? ParseCursor(string cursor, int shards)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='))).Split('\n');
            return parts.Length == 3 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var shard) && shard >= 0 && shard < shards
                ? (shard, parts[1], parts[2])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
