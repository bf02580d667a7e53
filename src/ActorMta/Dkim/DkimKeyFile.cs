using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using ActorMta.Configuration;

namespace ActorMta.Dkim;

/// <summary>
/// A selector's private key as read from its PEM file, with a stamp of the file's content when it was read:
/// a key is rotated by replacing the file, without a restart. <see cref="DkimSigning.Load"/> reads a file again
/// only when its stamp changed, off the signing path (when the watcher of the key folders calls it).
/// </summary>
public sealed record DkimKeyFile(DkimSelector Selector, AsymmetricKeyParameter Key, FileStamp Stamp)
{
    /// <summary>RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits.</summary>
    public const int MinRsaBits = 1024;

    /// <summary>Reads the selector's key now, with the file's stamp (taken first: a file replaced meanwhile is read again next time).</summary>
    /// <exception cref="InvalidDataException">Not a PEM private key, or not one for the selector's algorithm.</exception>
    public static DkimKeyFile Read(DkimSelector selector)
    {
        var stamp = FileStamp.Of(selector.KeyFile);
        return new DkimKeyFile(selector, Load(selector), stamp);
    }

    /// <summary>Reading a key file failed in a way an operator can fix (a bad, missing or unreadable file).</summary>
    public static bool IsKeyProblem(Exception e) => e is InvalidDataException or IOException or UnauthorizedAccessException;

    /// <summary>The start-up check: the key loads and is of the selector's algorithm; else a setting error naming the domain, selector and file.</summary>
    public static void Check(DkimSelector selector)
    {
        try
        {
            _ = Load(selector);
        }
        catch (Exception e) when (IsKeyProblem(e))
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
