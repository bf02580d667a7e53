using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.TestSupport.Smtp;

/// <summary>A self-signed server certificate made in-process, once per test run (key generation is the slow part).</summary>
public static class SelfSignedCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Create("sink.test"));

    /// <summary>The shared certificate for CN=sink.test, valid for localhost, 127.0.0.1 and ::1 as well.</summary>
    public static X509Certificate2 ForLoopback => Shared.Value;

    /// <summary>Makes a new ECDSA P-256 certificate for <paramref name="hostName"/> and the loopback names.</summary>
    public static X509Certificate2 Create(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }
}
