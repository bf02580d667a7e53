using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.TestSupport;

/// <summary>
/// A fleet CA made for one test, in a temp directory: it issues node certificates (PEM files) and hands
/// out the environment that gives a node the fleet's certificate. Outsider certificates come from a CA
/// of their own, so they look just as valid, but not to the fleet.
/// </summary>
public sealed class FleetCertificates : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _issued;

    public FleetCertificates(string name = "ActorMta test fleet CA")
    {
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Path.Combine(_directory.Path, "fleet-ca.crt");
        File.WriteAllText(CaFile, Authority.ExportCertificatePem());
    }

    public X509Certificate2 Authority { get; }
    public string CaFile { get; }

    /// <summary>A node certificate issued by this CA, with its PEM files, for serving and connecting alike.</summary>
    /// <param name="dnsNames">Further DNS names it is valid for (besides localhost and 127.0.0.1), e.g. an MX or a policy host.</param>
    public NodeCertificate Issue(string commonName = "actormta node", params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) names.AddDnsName(name);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var number = Interlocked.Increment(ref _issued);
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        var stem = Path.Combine(_directory.Path, $"node-{number}");
        File.WriteAllText(stem + ".crt", issued.ExportCertificatePem());
        File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem());
        // Through PKCS#12 so SslStream on Linux gets a usable private key.
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        return new NodeCertificate(certificate, stem + ".crt", stem + ".key", CaFile);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Authority.Dispose();
        _directory.Dispose();
    }

    public sealed record NodeCertificate(X509Certificate2 Certificate, string CertificateFile, string KeyFile, string CaFile)
    {
        /// <summary>The environment variables that give a node this certificate and the fleet's trust.</summary>
        public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
        {
            ["ACTORMTA_CLUSTER_CERTIFICATE_FILE"] = CertificateFile,
            ["ACTORMTA_CLUSTER_KEY_FILE"] = KeyFile,
            ["ACTORMTA_CLUSTER_CA_FILE"] = CaFile,
        };
    }
}
