using System.Net;
using ActorMta.Configuration;

namespace ActorMta.Fleet;

/// <summary>
/// The fleet's certificate for the cluster transport (mutual TLS): PEM files, loaded at start-up by
/// <see cref="FleetCertificate"/>. Null in <see cref="FleetSettings.Tls"/> means plain TCP, which a
/// node accepts only as a cluster of one on loopback, or when the operator says insecure = on.
/// </summary>
public sealed record FleetTlsSettings(string CertificateFile, string KeyFile, string? TrustFile)
{
    private const string Path = "actormta.cluster.tls";

    public static FleetTlsSettings? From(SettingsReader settings, string hostname, string? publicHostname, int seedNodes)
    {
        var certificate = settings.String($"{Path}.certificate-file");
        var key = settings.String($"{Path}.key-file");
        var trust = settings.String($"{Path}.ca-file");
        var insecure = settings.Bool($"{Path}.insecure");
        if (certificate.Length > 0)
        {
            if (key.Length == 0) throw new SettingException($"{Path}.key-file", key, "the PEM private key of actormta.cluster.tls.certificate-file");
            return new FleetTlsSettings(certificate, key, trust.Length == 0 ? null : trust);
        }
        if (key.Length > 0 || trust.Length > 0)
            throw new SettingException($"{Path}.certificate-file", certificate, "the fleet's PEM certificate (key-file or ca-file is set without it)");
        if (insecure || (seedNodes == 0 && IsLoopback(hostname) && (publicHostname is null || IsLoopback(publicHostname))))
            return null;
        throw new SettingException($"{Path}.certificate-file", certificate,
            "the fleet's PEM certificate and key (env ACTORMTA_CLUSTER_CERTIFICATE_FILE, ACTORMTA_CLUSTER_KEY_FILE) when the node has seed nodes " +
            "or a cluster address beyond loopback; or actormta.cluster.tls.insecure = on (env ACTORMTA_CLUSTER_INSECURE) for plain TCP that lets anyone join");
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
