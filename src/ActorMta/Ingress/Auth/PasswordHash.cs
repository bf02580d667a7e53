using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ActorMta.Ingress.Auth;

/// <summary>
/// A salted PBKDF2-HMAC-SHA256 password hash, written as "pbkdf2-sha256:iterations:salt-b64:hash-b64".
/// The default work factor follows OWASP's 2023 advice for PBKDF2-SHA256 (600,000 iterations).
/// </summary>
public sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash)
{
    public const string Scheme = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    /// <summary>Hashes with fewer iterations are refused when read: they would be cheap to crack.</summary>
    public const int MinIterations = 10_000;
    private const int SaltLength = 16;
    private const int HashLength = 32;

    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        return new PasswordHash(iterations, salt, Derive(password, salt, iterations));
    }

    public bool Verify(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);

    public override string ToString() =>
        $"{Scheme}:{Iterations.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(Salt)}:{Convert.ToBase64String(Hash)}";

    /// <summary>Parses the form <see cref="ToString"/> writes; null when it is not one.</summary>
    public static PasswordHash? TryParse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 4 || parts[0] != Scheme) return null;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < MinIterations) return null;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return salt.Length >= 8 && hash.Length == HashLength ? new PasswordHash(iterations, salt, hash) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashLength);
}
