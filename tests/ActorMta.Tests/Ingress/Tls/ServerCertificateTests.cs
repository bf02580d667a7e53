using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorMta.Configuration;
using ActorMta.Ingress.Tls;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Tls;

public sealed class ServerCertificateTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public void Without_configured_files_a_self_signed_certificate_is_made_once_and_reused()
    {
        var first = ServerCertificate.Load(new TlsSettings(null, null), _data.Path, "mx.example.com");
        var second = ServerCertificate.Load(new TlsSettings(null, null), _data.Path, "mx.example.com");

        Assert.True(first.IsSelfSigned);
        Assert.True(first.Certificate.HasPrivateKey);
        Assert.Equal("CN=mx.example.com", first.Certificate.Subject);
        Assert.Equal(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        var key = Path.Combine(_data.Path, ServerCertificate.SelfSignedDirectory, ServerCertificate.SelfSignedKeyFile);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public void Configured_pem_files_are_used()
    {
        var (certificatePath, keyPath) = WritePem("CN=configured.example");

        var loaded = ServerCertificate.Load(new TlsSettings(certificatePath, keyPath), _data.Path, "ignored.example");

        Assert.False(loaded.IsSelfSigned);
        Assert.Equal("CN=configured.example", loaded.Certificate.Subject);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.False(Directory.Exists(Path.Combine(_data.Path, ServerCertificate.SelfSignedDirectory)));
    }

    [Fact]
    public void A_key_that_does_not_match_or_a_missing_file_is_a_setting_error()
    {
        var (certificatePath, _) = WritePem("CN=one.example");
        var (_, otherKey) = WritePem("CN=two.example");

        var mismatch = Assert.Throws<SettingException>(() => ServerCertificate.Load(new TlsSettings(certificatePath, otherKey), _data.Path, "x"));
        Assert.Equal("actormta.smtp.tls.certificate-file", mismatch.Path);
        var missing = Assert.Throws<SettingException>(() => ServerCertificate.Load(new TlsSettings(Path.Combine(_data.Path, "nope.pem"), otherKey), _data.Path, "x"));
        Assert.DoesNotContain('\n', missing.Message);
    }

    private (string Certificate, string Key) WritePem(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var name = Guid.NewGuid().ToString("N");
        var certificatePath = Path.Combine(_data.Path, name + ".crt");
        var keyPath = Path.Combine(_data.Path, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    public void Dispose() => _data.Dispose();
}
