using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace ActorMta.Dkim;

/// <summary>A new DKIM key pair: the private key as PKCS#8 PEM, and the public key as its DNS TXT record says it (p=).</summary>
public sealed record DkimKeyPair(DkimAlgorithm Algorithm, string PrivateKeyPem, string PublicKey)
{
    /// <summary>RFC 8301: at least 1024; 2048 is what receivers expect now; 4096 is the most a TXT record comfortably carries.</summary>
    public static readonly IReadOnlyList<int> RsaSizes = [1024, 2048, 3072, 4096];

    public static DkimKeyPair Generate(DkimAlgorithm algorithm, int rsaBits = 2048)
    {
        if (algorithm == DkimAlgorithm.Ed25519Sha256)
        {
            var generator = new Ed25519KeyPairGenerator();
            generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
            var pair = generator.GenerateKeyPair();
            var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded();
            // RFC 8463 4.2: p= is the raw 32-octet public key, not a SubjectPublicKeyInfo.
            return new DkimKeyPair(algorithm, Pem("PRIVATE KEY", pkcs8), Convert.ToBase64String(((Ed25519PublicKeyParameters)pair.Public).GetEncoded()));
        }
        if (!RsaSizes.Contains(rsaBits)) throw new ArgumentOutOfRangeException(nameof(rsaBits), rsaBits, "1024, 2048, 3072 or 4096");
        using var rsa = RSA.Create(rsaBits);
        // RFC 6376 3.6.1: p= in the form receivers parse (SubjectPublicKeyInfo, as OpenSSL and opendkim-genkey write it).
        return new DkimKeyPair(algorithm, rsa.ExportPkcs8PrivateKeyPem() + "\n", Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The record's text (v=DKIM1; k=...; p=...).</summary>
    public string TxtValue => $"v=DKIM1; k={(Algorithm == DkimAlgorithm.Ed25519Sha256 ? "ed25519" : "rsa")}; p={PublicKey}";

    /// <summary>The zone-file line: SELECTOR._domainkey.DOMAIN IN TXT "..." "...", split into strings of at most 255 octets (RFC 1035 3.3).</summary>
    public string TxtRecord(string domain, string selector)
    {
        var value = TxtValue;
        var strings = Enumerable.Range(0, (value.Length + 254) / 255).Select(i => $"\"{value.Substring(i * 255, Math.Min(255, value.Length - i * 255))}\"");
        return $"{selector}._domainkey.{domain}. IN TXT {string.Join(' ', strings)}";
    }

    /// <summary>Writes the private key owner-only (0600); an existing file is never overwritten.</summary>
    public void WritePrivateKey(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(Encoding.ASCII.GetBytes(PrivateKeyPem));
    }

    private static string Pem(string label, byte[] der) =>
        new string(PemEncoding.Write(label, der)) + "\n";
}
