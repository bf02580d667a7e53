using ActorMta.Configuration;

namespace ActorMta.Ingress.Tls;

/// <summary>The server certificate: PEM files, or none (a self-signed one is made in the data directory).</summary>
public sealed record TlsSettings(string? CertificateFile, string? KeyFile)
{
    public static TlsSettings From(SettingsReader settings, string dataDirectory)
    {
        var certificate = settings.String("actormta.smtp.tls.certificate-file");
        var key = settings.String("actormta.smtp.tls.key-file");
        if ((certificate.Length == 0) != (key.Length == 0))
            throw new SettingException(certificate.Length == 0 ? "actormta.smtp.tls.certificate-file" : "actormta.smtp.tls.key-file", "",
                "both certificate-file and key-file, or neither (a self-signed certificate is made)");
        return certificate.Length == 0
            ? new TlsSettings(null, null)
            : new TlsSettings(Path.GetFullPath(certificate, dataDirectory), Path.GetFullPath(key, dataDirectory));
    }
}
