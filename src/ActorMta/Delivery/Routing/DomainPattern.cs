namespace ActorMta.Delivery.Routing;

/// <summary>
/// Which destination domains a configured entry applies to: one domain exactly ("example.com",
/// "[192.0.2.1]") or every subdomain of one ("*.example.com", not example.com itself).
/// </summary>
public sealed record DomainPattern(string Text, string Suffix, bool IsWildcard)
{
    public static DomainPattern? TryParse(string text)
    {
        var pattern = text.Trim().TrimEnd('.').ToLowerInvariant();
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = pattern[1..];
            return IsDomain(suffix[1..]) ? new DomainPattern(pattern, suffix, true) : null;
        }
        return IsDomain(pattern) || IsLiteral(pattern) ? new DomainPattern(pattern, pattern, false) : null;
    }

    public bool Matches(string domain) =>
        IsWildcard ? domain.EndsWith(Suffix, StringComparison.Ordinal) : domain.Equals(Suffix, StringComparison.Ordinal);

    private static bool IsDomain(string name) => name.Length > 0 && !name.Contains('*') && Uri.CheckHostName(name) == UriHostNameType.Dns;

    private static bool IsLiteral(string name) => name.StartsWith('[') && name.EndsWith(']');
}
