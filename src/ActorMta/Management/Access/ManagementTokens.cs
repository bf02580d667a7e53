using System.Security.Cryptography;
using System.Text;
using ActorMta.Configuration;

namespace ActorMta.Management.Access;

/// <summary>
/// The management endpoint's bearer tokens and their scopes: from the settings (or their environment
/// variables) and from a tokens file that is read again when it changes (a Secret mounted as a file can be
/// rotated without a restart). Tokens are kept as SHA-256 digests and compared in constant time.
/// </summary>
public sealed class ManagementTokens
{
    /// <summary>Shorter tokens are refused: a bearer token is the whole credential, so it must not be guessable.</summary>
    public const int MinLength = 24;
    public const string GeneratedAdminTokenFile = "admin.token";

    private static readonly Dictionary<string, ManagementScope> ScopeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["read"] = ManagementScope.Read, ["admin"] = ManagementScope.Admin, ["inject"] = ManagementScope.Inject,
    };

    private readonly IReadOnlyList<(byte[] Digest, ManagementScope Scopes)> _configured;
    private readonly string? _file;
    private readonly Lock _reading = new();
    private (DateTime Written, long Length, IReadOnlyList<(byte[] Digest, ManagementScope Scopes)> Tokens) _fromFile = (DateTime.MinValue, -1, []);

    public ManagementTokens(IEnumerable<(string Token, ManagementScope Scopes)> configured, string? file = null)
        : this(configured.Select(t => (Digest(t.Token), t.Scopes)).ToArray(), file) { }

    private ManagementTokens(IReadOnlyList<(byte[] Digest, ManagementScope Scopes)> configured, string? file)
    {
        _configured = configured;
        _file = file;
        if (file is not null) _fromFile = (File.GetLastWriteTimeUtc(file), new FileInfo(file).Length, ReadFile(file));
    }

    /// <summary>True if any token at all is configured (the condition for binding beyond loopback).</summary>
    public bool Any => _configured.Count > 0 || FileTokens().Count > 0;

    public bool HasAdmin => _configured.Concat(FileTokens()).Any(t => t.Scopes.HasFlag(ManagementScope.Admin));

    /// <summary>The scopes of <paramref name="token"/>; None if it is not one of ours.</summary>
    public ManagementScope ScopesOf(string token)
    {
        var digest = Digest(token);
        var scopes = ManagementScope.None;
        foreach (var (known, granted) in _configured.Concat(FileTokens()))
            if (CryptographicOperations.FixedTimeEquals(known, digest)) scopes |= granted;
        return scopes;
    }

    public static ManagementTokens From(SettingsReader settings, string dataDirectory)
    {
        var configured = new List<(string, ManagementScope)>();
        foreach (var (name, scope) in ScopeNames)
            foreach (var token in settings.List($"actormta.management.tokens.{name}"))
                configured.Add((Checked(token, $"actormta.management.tokens.{name}"), scope));
        var file = settings.String("actormta.management.tokens.file");
        if (file.Length == 0) return new ManagementTokens(configured);
        var path = Path.GetFullPath(file, dataDirectory);
        try
        {
            return new ManagementTokens(configured, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new SettingException("actormta.management.tokens.file", path, $"a readable file of \"scope[,scope] token\" lines ({e.Message})");
        }
    }

    /// <summary>
    /// With no admin token configured, a random one is made in DATA/admin.token (owner-only), so an operator
    /// on the machine can use the admin routes and nobody else can. The file's path is null when not needed.
    /// </summary>
    public (ManagementTokens Tokens, string? AdminTokenFile) WithAdminToken(string dataDirectory)
    {
        if (HasAdmin) return (this, null);
        var path = Path.Combine(dataDirectory, GeneratedAdminTokenFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var writer = new StreamWriter(new FileStream(path, options));
            writer.WriteLine(Base64Url(RandomNumberGenerator.GetBytes(32)));
        }
        var token = File.ReadAllText(path).Trim();
        return (new ManagementTokens([.. _configured, (Digest(token), ManagementScope.Admin)], _file), path);
    }

    private IReadOnlyList<(byte[] Digest, ManagementScope Scopes)> FileTokens()
    {
        if (_file is null) return [];
        lock (_reading)
        {
            try
            {
                var info = new FileInfo(_file);
                if (info.LastWriteTimeUtc != _fromFile.Written || info.Length != _fromFile.Length)
                    _fromFile = (info.LastWriteTimeUtc, info.Length, ReadFile(_file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // A file being rewritten or broken keeps the tokens last read; the next request tries again.
            }
            return _fromFile.Tokens;
        }
    }

    /// <summary>Lines "scope[,scope] token"; blank lines and # comments are skipped.</summary>
    private static IReadOnlyList<(byte[] Digest, ManagementScope Scopes)> ReadFile(string path)
    {
        var tokens = new List<(byte[], ManagementScope)>();
        var number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var scopes = ManagementScope.None;
            foreach (var name in parts[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                scopes |= ScopeNames.TryGetValue(name, out var scope) ? scope : throw new FormatException($"line {number}: unknown scope '{name}' (read, admin, inject)");
            if (parts.Length < 2 || parts[1].Length < MinLength)
                throw new FormatException($"line {number}: expected \"scope[,scope] token\" with a token of at least {MinLength} characters");
            tokens.Add((Digest(parts[1]), scopes));
        }
        return tokens;
    }

    private static string Checked(string token, string path) => token.Length >= MinLength && token.All(c => c > ' ' && c < 127)
        ? token
        : throw new SettingException(path, new string('*', Math.Min(token.Length, 8)), $"tokens of at least {MinLength} printable characters (e.g. `openssl rand -base64 32`)");

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
