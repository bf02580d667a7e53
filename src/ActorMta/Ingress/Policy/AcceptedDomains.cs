using ActorMta.Configuration;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Policy;

/// <summary>
/// The domains this node receives mail for from anyone (Postfix's relay_domains). "example.com"
/// matches that domain only; ".example.com" matches its subdomains. Case does not matter.
/// </summary>
public sealed class AcceptedDomains
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _parents;

    public AcceptedDomains(IEnumerable<string> domains)
    {
        var parents = new List<string>();
        foreach (var domain in domains.Select(d => d.TrimEnd('.')))
        {
            if (domain.StartsWith('.')) parents.Add(domain);
            else _exact.Add(domain);
        }
        _parents = parents.ToArray();
    }

    public int Count => _exact.Count + _parents.Length;

    public bool Contains(string domain)
    {
        domain = domain.TrimEnd('.');
        if (_exact.Contains(domain)) return true;
        foreach (var parent in _parents)
            if (domain.EndsWith(parent, StringComparison.OrdinalIgnoreCase) && domain.Length > parent.Length) return true;
        return false;
    }

    public static AcceptedDomains Parse(IEnumerable<string> domains, string settingPath)
    {
        var list = domains.ToArray();
        foreach (var domain in list)
        {
            var name = domain.StartsWith('.') ? domain[1..] : domain;
            // The wire protocol's own domain grammar, through the one door it opens to callers.
            if (!Mailbox.TryParse($"postmaster@{name.TrimEnd('.')}", allowUtf8: true, out var mailbox) || mailbox!.IsAddressLiteral)
                throw new SettingException(settingPath, domain, "domain names like example.com (or .example.com for its subdomains)");
        }
        return new AcceptedDomains(list);
    }
}
