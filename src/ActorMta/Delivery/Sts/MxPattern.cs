namespace ActorMta.Delivery.Sts;

/// <summary>
/// An MTA-STS mx pattern (RFC 8461 3.2, 4.1): a host name, or "*." and a host name, where the wildcard stands for
/// exactly one leftmost label ("*.example.com" matches "mx1.example.com", not "example.com" or "a.b.example.com").
/// Case-insensitive; a trailing dot is ignored.
/// </summary>
public static class MxPattern
{
    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    public static bool IsValid(string pattern)
    {
        var name = Normalize(pattern);
        if (name.StartsWith("*.", StringComparison.Ordinal)) name = name[2..];
        return name.Length is > 0 and <= 253 && name.Split('.').All(IsLabel);
    }

    public static bool Matches(string pattern, string host)
    {
        var p = Normalize(pattern);
        var h = Normalize(host);
        if (!p.StartsWith("*.", StringComparison.Ordinal)) return p == h;
        var dot = h.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && h[(dot + 1)..] == p[2..];
    }

    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && label[0] != '-' && label[^1] != '-';
}
