using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorMta.Configuration;
using static ActorMta.Configuration.SettingsReader;

namespace ActorMta.Dkim;

/// <summary>rsa-sha256 (RFC 6376) or ed25519-sha256 (RFC 8463).</summary>
public enum DkimAlgorithm
{
    RsaSha256,
    Ed25519Sha256,
}

/// <summary>One selector of a signing domain: the key file it signs with and the key's algorithm.</summary>
/// <param name="Path">The setting (actormta.dkim.domains."example.com".selectors.s1), for start-up errors.</param>
public sealed record DkimSelector(string Name, string KeyFile, DkimAlgorithm Algorithm, string Path);

/// <summary>A signing domain: the selector that signs now (of those configured: a new one can be published before the switch) and what is signed.</summary>
/// <param name="Headers">Header fields signed, each as often as the message has it.</param>
/// <param name="OverSign">Header fields signed once more than present, so none can be added after signing (RFC 6376 8.15).</param>
public sealed record DkimDomain(string Domain, DkimSelector Active, IReadOnlyList<DkimSelector> Selectors, IReadOnlyList<string> Headers, IReadOnlyList<string> OverSign);

/// <summary>actormta.dkim: which From domains are signed, with which key.</summary>
/// <param name="Default">Signs mail whose From domain has no entry of its own (d= is then that entry's domain); null signs only configured domains.</param>
public sealed record DkimSettings(IReadOnlyDictionary<string, DkimDomain> Domains, DkimDomain? Default)
{
    private const string Root = "actormta.dkim";

    public static readonly DkimSettings None = new(new Dictionary<string, DkimDomain>(), null);

    public bool Enabled => Domains.Count > 0;

    /// <summary>Besides change events, the config and key files are checked this often (mounts that raise no events); read at start-up only.</summary>
    public TimeSpan ReloadCheckEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The entry that signs mail from <paramref name="fromDomain"/> (exact, case-insensitive), else the default, else null.</summary>
    public DkimDomain? For(string fromDomain) => Domains.GetValueOrDefault(fromDomain.TrimEnd('.').ToLowerInvariant()) ?? Default;

    /// <summary>The start-up read: <see cref="Read"/>, and every key must load now, not at the first message (a bad file stops the start, exit 2, naming it).</summary>
    public static DkimSettings From(SettingsReader settings, NodeSettings node)
    {
        var dkim = Read(settings, node);
        foreach (var selector in dkim.Domains.Values.SelectMany(d => d.Selectors)) DkimKeyFile.Check(selector);
        return dkim;
    }

    /// <summary>The settings, checked, without reading the key files (<see cref="DkimSigning.Load"/> reads them).</summary>
    public static DkimSettings Read(SettingsReader settings, NodeSettings node)
    {
        var headers = settings.List($"{Root}.headers");
        var overSign = settings.List($"{Root}.over-sign");
        CheckHeaders(settings, $"{Root}.headers", headers);
        CheckHeaders(settings, $"{Root}.over-sign", overSign, needsFrom: false);
        var domains = new Dictionary<string, DkimDomain>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Objects(settings.Root, $"{Root}.domains"))
        {
            var path = $"{Root}.domains.{Hocon.Quote(key)}";
            var domain = key.Trim().TrimEnd('.').ToLowerInvariant();
            if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.'))
                throw new SettingException(path, key, "a domain name (example.com)");
            var entry = new SettingsReader(ObjectConfig(value, path));
            var selectors = new List<DkimSelector>();
            foreach (var (name, selector) in Objects(entry.Root, "selectors"))
                selectors.Add(ReadSelector(name, new SettingsReader(ObjectConfig(selector, $"{path}.selectors.{Hocon.Quote(name)}")), $"{path}.selectors.{Hocon.Quote(name)}", node));
            var activeName = entry.Raw("active") ?? (selectors.Count == 1 ? selectors[0].Name : null);
            var active = selectors.FirstOrDefault(s => s.Name == activeName)
                ?? throw new SettingException($"{path}.active", activeName, "the name of one of its selectors: " + string.Join(" | ", selectors.Select(s => s.Name)));
            // A domain may sign its own list of header fields.
            var own = entry.Root.HasPath("headers") ? CheckHeaders(entry, $"{path}.headers", entry.List("headers"), relative: "headers") : headers;
            var ownOverSign = entry.Root.HasPath("over-sign") ? CheckHeaders(entry, $"{path}.over-sign", entry.List("over-sign"), false, "over-sign") : overSign;
            domains[domain] = new DkimDomain(domain, active, selectors, own, ownOverSign);
        }
        var defaultName = settings.String($"{Root}.default-domain").Trim().ToLowerInvariant();
        DkimDomain? fallback = null;
        if (defaultName.Length > 0 && !domains.TryGetValue(defaultName, out fallback))
            throw new SettingException($"{Root}.default-domain", defaultName, "\"\" or one of the domains under actormta.dkim.domains");
        return new DkimSettings(domains, fallback) { ReloadCheckEvery = settings.Duration($"{Root}.reload-check-every") };
    }

    private static DkimSelector ReadSelector(string name, SettingsReader selector, string path, NodeSettings node)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new SettingException(path, name, "a selector name (letters, digits, - _ .)");
        var file = selector.Raw("key-file");
        if (string.IsNullOrWhiteSpace(file)) throw new SettingException($"{path}.key-file", file, "the path of a PEM private key file");
        var algorithm = selector.Raw("algorithm")?.Trim().ToLowerInvariant() switch
        {
            null or "rsa-sha256" => DkimAlgorithm.RsaSha256,
            "ed25519-sha256" => DkimAlgorithm.Ed25519Sha256,
            var other => throw new SettingException($"{path}.algorithm", other, "rsa-sha256 | ed25519-sha256"),
        };
        return new DkimSelector(name, Path.GetFullPath(Path.Combine(node.DataDirectory, file)), algorithm, path);
    }

    private static IReadOnlyList<string> CheckHeaders(SettingsReader settings, string path, IReadOnlyList<string> headers, bool needsFrom = true, string? relative = null)
    {
        var raw = settings.Raw(relative ?? path);
        if (needsFrom && !headers.Contains("From", StringComparer.OrdinalIgnoreCase))
            throw new SettingException(path, raw, "a list of header fields that includes From");
        if (headers.FirstOrDefault(h => DkimMessageSigner.NeverSigned.Contains(h) || h.Any(c => c <= ' ' || c == ':' || c > '~')) is { } bad)
            throw SettingException.Conflict(path, raw, $"\"{bad}\" is not a header field a signer may sign (RFC 6376 5.4)");
        return headers;
    }
}
