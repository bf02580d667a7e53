using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorMta.Configuration;

namespace ActorMta.Ingress.Tls;

/// <summary>
/// The certificate every TLS session of the node presents, and the one set of server options built
/// from it (shared by all handshakes, so the chain is built once). From the configured PEM files
/// (certificate first, then any intermediates; PKCS#8 or RSA/EC key), or else a self-signed
/// certificate made on first start in DATA/tls and reused after.
/// </summary>
public sealed class ServerCertificate
{
    public const string SelfSignedDirectory = "tls";
    public const string SelfSignedCertificateFile = "self-signed.crt";
    public const string SelfSignedKeyFile = "self-signed.key";

    private ServerCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates, bool selfSigned)
    {
        Certificate = certificate;
        IsSelfSigned = selfSigned;
        ServerOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
    }

    public X509Certificate2 Certificate { get; }
    public bool IsSelfSigned { get; }
    public SslServerAuthenticationOptions ServerOptions { get; }

    public static ServerCertificate Load(TlsSettings settings, string dataDirectory, string hostname)
    {
        if (settings.CertificateFile is { } certificateFile && settings.KeyFile is { } keyFile)
            return FromPem(certificateFile, keyFile, "actormta.smtp.tls.certificate-file", selfSigned: false);

        var directory = Path.Combine(dataDirectory, SelfSignedDirectory);
        var certificatePath = Path.Combine(directory, SelfSignedCertificateFile);
        var keyPath = Path.Combine(directory, SelfSignedKeyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath)) WriteSelfSigned(directory, certificatePath, keyPath, hostname);
        return FromPem(certificatePath, keyPath, "actormta.node.data-directory", selfSigned: true);
    }

    private static ServerCertificate FromPem(string certificatePath, string keyPath, string settingPath, bool selfSigned)
    {
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certificatePath);
            if (chain.Count == 0) throw new CryptographicException("no CERTIFICATE block");
            using var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // Through PKCS#12 so the private key is a persisted one SslStream can use on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), password: null);
            return new ServerCertificate(certificate, new X509Certificate2Collection(chain.Skip(1).ToArray()), selfSigned);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingException(settingPath, certificatePath, $"a PEM certificate with its PEM private key in {keyPath} ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    private static void WriteSelfSigned(string directory, string certificatePath, string keyPath, string hostname)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(hostname, out var address)) names.AddIpAddress(address);
        else names.AddDnsName(hostname);
        if (hostname != "localhost") names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));

        Directory.CreateDirectory(directory);
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var keyFile = new StreamWriter(new FileStream(keyPath, keyOptions)))
            keyFile.Write(key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
    }
}
