using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using ActorMta.Configuration;

namespace ActorMta.Dkim;

/// <summary>
/// A selector's private key, read from its PEM file and read again when the file changes (its last
/// write time or size), so a key is rotated by replacing the file, without a restart. The check is one
/// stat per signature, on a pool thread; the file is parsed only when it changed. A changed file that
/// does not load keeps the last good key (and is reported once), so a half-written file never stops signing.
/// </summary>
public sealed class DkimKeyFile(DkimSelector selector, Action<string>? reloadFailed = null)
{
    /// <summary>RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits.</summary>
    public const int MinRsaBits = 1024;

    private readonly Lock _lock = new();
    private (DateTime Written, long Length) _stamp;
    private AsymmetricKeyParameter? _key;
    private string? _lastError;

    public DkimSelector Selector { get; } = selector;

    /// <summary>The key to sign with now.</summary>
    public AsymmetricKeyParameter Current()
    {
        var file = new FileInfo(Selector.KeyFile);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
        lock (_lock)
        {
            if (_key is not null && stamp == _stamp) return _key;
            try
            {
                _key = Load(Selector);
                _stamp = stamp;
                _lastError = null;
            }
            catch (Exception e) when (_key is not null && e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (e.Message != _lastError) reloadFailed?.Invoke($"DKIM key {Selector.KeyFile} ({Selector.Path}) changed but does not load, still signing with the previous key: {e.Message}");
                _lastError = e.Message;
            }
            return _key;
        }
    }

    /// <summary>The start-up check: the key loads and is of the selector's algorithm; else a setting error naming the domain, selector and file.</summary>
    public static void Check(DkimSelector selector)
    {
        try
        {
            _ = Load(selector);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw SettingException.Conflict($"{selector.Path}.key-file", selector.KeyFile, e.Message);
        }
    }

    /// <exception cref="InvalidDataException">Not a PEM private key, or not one for the selector's algorithm.</exception>
    public static AsymmetricKeyParameter Load(DkimSelector selector)
    {
        object? pem;
        try
        {
            using var reader = new StreamReader(selector.KeyFile);
            pem = new PemReader(reader).ReadObject();
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"not a PEM private key: {e.Message}", e);
        }
        var key = pem switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } single => single,
            _ => throw new InvalidDataException("no PEM private key in the file"),
        };
        return (selector.Algorithm, key) switch
        {
            (DkimAlgorithm.RsaSha256, RsaKeyParameters rsa) when rsa.Modulus.BitLength < MinRsaBits =>
                throw new InvalidDataException($"an RSA key of {rsa.Modulus.BitLength} bits; rsa-sha256 needs at least {MinRsaBits}"),
            (DkimAlgorithm.RsaSha256, RsaKeyParameters) or (DkimAlgorithm.Ed25519Sha256, Ed25519PrivateKeyParameters) => key,
            _ => throw new InvalidDataException($"the file holds an {Describe(key)} key, not one for {Name(selector.Algorithm)}"),
        };
    }

    public static string Name(DkimAlgorithm algorithm) => algorithm == DkimAlgorithm.Ed25519Sha256 ? "ed25519-sha256" : "rsa-sha256";

    private static string Describe(AsymmetricKeyParameter key) => key switch
    {
        RsaKeyParameters => "RSA",
        Ed25519PrivateKeyParameters => "Ed25519",
        ECPrivateKeyParameters => "EC",
        _ => key.GetType().Name,
    };
}
