using ActorMta.Configuration;

namespace ActorMta.Ingress.Tls;

/// <summary>The server certificate: PEM files, or none (a self-signed one is made in the data directory).</summary>
/// <param name="ReloadCheckEvery">How often the files are read again besides on change events; zero: only on events.</param>
public sealed record TlsSettings(string? CertificateFile, string? KeyFile, TimeSpan ReloadCheckEvery = default)
{
    public static TlsSettings From(SettingsReader settings, string dataDirectory)
    {
        var certificate = settings.String("actormta.smtp.tls.certificate-file");
        var key = settings.String("actormta.smtp.tls.key-file");
        if ((certificate.Length == 0) != (key.Length == 0))
            throw new SettingException(certificate.Length == 0 ? "actormta.smtp.tls.certificate-file" : "actormta.smtp.tls.key-file", "",
                "both certificate-file and key-file, or neither (a self-signed certificate is made)");
        var checkEvery = settings.Duration("actormta.smtp.tls.reload-check-every");
        return certificate.Length == 0
            ? new TlsSettings(null, null, checkEvery)
            : new TlsSettings(Path.GetFullPath(certificate, dataDirectory), Path.GetFullPath(key, dataDirectory), checkEvery);
    }
}
