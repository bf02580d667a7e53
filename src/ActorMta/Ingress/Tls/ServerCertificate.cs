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
/// certificate made on first start in DATA/tls and reused after. Configured files can be replaced while
/// the node runs (certificate renewal): <see cref="Reload"/> swaps in the new pair for the next handshakes.
/// </summary>
public sealed class ServerCertificate
{
    public const string SelfSignedDirectory = "tls";
    public const string SelfSignedCertificateFile = "self-signed.crt";
    public const string SelfSignedKeyFile = "self-signed.key";

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly Lock _reloading = new();
    private volatile Presented _current;

    /// <summary>A certificate with the server options built from it; swapped whole, so a handshake sees one pair.</summary>
    private sealed record Presented(X509Certificate2 Certificate, SslServerAuthenticationOptions Options, string FilesHash);

    private ServerCertificate(string certificatePath, string keyPath, bool selfSigned, Presented presented)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        IsSelfSigned = selfSigned;
        _current = presented;
    }

    public X509Certificate2 Certificate => _current.Certificate;
    public bool IsSelfSigned { get; }
    public SslServerAuthenticationOptions ServerOptions => _current.Options;

    /// <summary>The PEM files this certificate was read from (the self-signed pair's in DATA/tls, or the configured ones).</summary>
    public IReadOnlyList<string> Files => [_certificatePath, _keyPath];

    /// <summary>Why the last <see cref="Reload"/> kept the old certificate; null once one succeeds.</summary>
    public string? LastReloadError { get; private set; }

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

    /// <summary>
    /// Reads the files again; when they changed and hold a valid pair, new handshakes present it (sessions
    /// already in TLS keep theirs). A half-written or mismatched pair keeps the old certificate and is
    /// retried on the next change or check. True when a new certificate was taken.
    /// </summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            try
            {
                var hash = FilesHash(_certificatePath, _keyPath);
                if (hash == _current.FilesHash) return false;
                _current = Read(_certificatePath, _keyPath, hash);
                LastReloadError = null;
                return true;
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                LastReloadError = $"{_certificatePath}: {FirstLine(e)}";
                return false;
            }
        }
    }

    private static ServerCertificate FromPem(string certificatePath, string keyPath, string settingPath, bool selfSigned)
    {
        try
        {
            return new ServerCertificate(certificatePath, keyPath, selfSigned, Read(certificatePath, keyPath, FilesHash(certificatePath, keyPath)));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingException(settingPath, certificatePath, $"a PEM certificate with its PEM private key in {keyPath} ({FirstLine(e)})");
        }
    }

    private static Presented Read(string certificatePath, string keyPath, string filesHash)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificatePath);
        if (chain.Count == 0) throw new CryptographicException("no CERTIFICATE block");
        using var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Through PKCS#12 so the private key is a persisted one SslStream can use on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), password: null);
        var intermediates = new X509Certificate2Collection(chain.Skip(1).ToArray());
        return new Presented(certificate, new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, filesHash);
    }

    private static string FilesHash(string certificatePath, string keyPath) =>
        Convert.ToHexString(SHA256.HashData([.. File.ReadAllBytes(certificatePath), .. File.ReadAllBytes(keyPath)]));

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();

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
