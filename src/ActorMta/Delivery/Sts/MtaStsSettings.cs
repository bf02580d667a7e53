using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorMta.Configuration;

namespace ActorMta.Delivery.Sts;

/// <summary>actormta.delivery.mta-sts: whether and how MX delivery honours the destination's MTA-STS policy (RFC 8461).</summary>
/// <param name="FetchTimeout">The whole HTTPS fetch of a policy (connect, TLS, headers and body).</param>
/// <param name="MaxAgeCap">A policy is kept at most this long, whatever its max_age says.</param>
/// <param name="RecheckAfter">A cached domain's TXT record is asked again after its TTL, but at least this often.</param>
/// <param name="PolicyPort">The HTTPS port of mta-sts.DOMAIN (443; tests serve policies elsewhere).</param>
/// <param name="TrustedAuthorities">CAs trusted besides the system's, for policy hosts and MX certificates (tests, private PKI).</param>
public sealed record MtaStsSettings(
    bool Enabled,
    TimeSpan FetchTimeout,
    TimeSpan MaxAgeCap,
    TimeSpan RecheckAfter,
    int PolicyPort,
    X509Certificate2Collection TrustedAuthorities,
    int MaxCachedDomains)
{
    /// <summary>RFC 8461 3.3: a policy larger than this is not a policy.</summary>
    public const int MaxPolicySize = 64 * 1024;

    /// <summary>Where this node's TLS-RPT counts are kept across restarts (in the data directory); null: memory only.</summary>
    public string? ReportFile { get; init; }

    /// <summary>Days before today whose TLS-RPT counts are kept (a report can be asked for today and these).</summary>
    public int ReportDays { get; init; } = TlsReportBook.DefaultDaysKept;

    /// <summary>How long the TLS-RPT API waits for each fleet member's counts.</summary>
    public TimeSpan ReportAskTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public static readonly MtaStsSettings Disabled = new(false, TimeSpan.FromSeconds(10), TimeSpan.FromDays(7), TimeSpan.FromHours(1), 443, [], 10_000);

    public static MtaStsSettings From(SettingsReader settings, string dataDirectory)
    {
        const string root = "actormta.delivery.mta-sts";
        var authorities = new X509Certificate2Collection();
        foreach (var file in settings.List($"{root}.trusted-ca-files"))
        {
            var path = Path.GetFullPath(Path.Combine(dataDirectory, file));
            try
            {
                var before = authorities.Count;
                authorities.ImportFromPemFile(path);
                if (authorities.Count == before) throw new CryptographicException("no certificate in it");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new SettingException($"{root}.trusted-ca-files", file, $"a readable PEM file of CA certificates ({e.Message})");
            }
        }
        return new MtaStsSettings(
            settings.Bool($"{root}.enabled"),
            settings.Duration($"{root}.fetch-timeout", TimeSpan.FromMilliseconds(100)),
            settings.Duration($"{root}.max-age-cap", TimeSpan.FromSeconds(1)),
            settings.Duration($"{root}.recheck-after", TimeSpan.FromSeconds(1)),
            settings.Port($"{root}.policy-port"),
            authorities,
            settings.Int($"{root}.cache-size", 1))
        {
            ReportFile = settings.String($"{root}.report-file") is { Length: > 0 } report ? Path.GetFullPath(Path.Combine(dataDirectory, report)) : null,
            ReportDays = settings.Int($"{root}.report-days", 0, 366),
            ReportAskTimeout = settings.Duration($"{root}.report-ask-timeout", TimeSpan.FromMilliseconds(100)),
        };
    }
}
