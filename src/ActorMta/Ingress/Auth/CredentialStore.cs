using System.Text;

namespace ActorMta.Ingress.Auth;

/// <summary>
/// The users who may AUTH, from a file of lines "user:pbkdf2-sha256:iterations:salt-b64:hash-b64"
/// ('#' starts a comment). The file is read again when it changes, so `ActorMta.Host adduser`
/// takes effect on a running node. A file that does not exist means no users.
/// </summary>
public sealed class CredentialStore
{
    private static readonly PasswordHash Decoy = PasswordHash.Create("decoy");

    private readonly Lock _gate = new();
    private IReadOnlyDictionary<string, PasswordHash> _users = new Dictionary<string, PasswordHash>();
    private (DateTime WrittenAt, long Length)? _loaded;

    /// <param name="slots">How many checks may run and wait at once; null: 2 running, 100 waiting.</param>
    public CredentialStore(string path, VerificationSlots? slots = null)
    {
        Path = path;
        Slots = slots ?? new VerificationSlots(2, 100);
        Reload(throwOnError: true);
    }

    public string Path { get; }

    /// <summary>The bound on concurrent password checks (<see cref="VerifyAsync"/>).</summary>
    public VerificationSlots Slots { get; }

    public int Count => Users.Count;

    private IReadOnlyDictionary<string, PasswordHash> Users
    {
        get
        {
            Reload(throwOnError: false);
            lock (_gate) return _users;
        }
    }

    /// <summary>
    /// Whether <paramref name="password"/> is <paramref name="user"/>'s. Slow on purpose (PBKDF2), and
    /// as slow for unknown users, so timing does not tell which users exist. Run it off the actor thread.
    /// </summary>
    public bool Verify(string user, string password)
    {
        if (Users.TryGetValue(user, out var hash)) return hash.Verify(password);
        Decoy.Verify(password);
        return false;
    }

    /// <summary>
    /// <see cref="Verify"/> on the thread pool within <see cref="Slots"/>: never on an actor's thread, and
    /// null (not checked) when the node already runs and queues as many checks as it allows.
    /// </summary>
    public Task<bool?> VerifyAsync(string user, string password) => Slots.RunAsync(() => Verify(user, password));

    /// <summary>Adds <paramref name="user"/> or replaces their password; writes the file atomically, readable by its owner only.</summary>
    public static void AddUser(string path, string user, string password, int iterations = PasswordHash.DefaultIterations)
    {
        if (!IsValidUserName(user)) throw new ArgumentException($"'{user}' is not a valid user name: 1 to 256 characters, no ':', spaces or control characters", nameof(user));
        if (password.Length == 0) throw new ArgumentException("the password is empty", nameof(password));
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# ActorMta SMTP AUTH users: user:pbkdf2-sha256:iterations:salt:hash (ActorMta.Host adduser USER)"];
        lines.RemoveAll(line => line.StartsWith(user + ":", StringComparison.Ordinal));
        lines.Add($"{user}:{PasswordHash.Create(password, iterations)}");

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options))
        using (var writer = new StreamWriter(file, new UTF8Encoding(false)))
        {
            foreach (var line in lines) writer.Write(line + "\n");
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static bool IsValidUserName(string user) =>
        user.Length is > 0 and <= 256 && !user.Any(c => c == ':' || char.IsWhiteSpace(c) || char.IsControl(c));

    private void Reload(bool throwOnError)
    {
        var info = new FileInfo(Path);
        (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        lock (_gate)
        {
            if (stamp == _loaded) return;
        }
        Dictionary<string, PasswordHash> users;
        try
        {
            users = stamp is null ? new Dictionary<string, PasswordHash>() : Parse(File.ReadAllLines(Path));
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            if (!throwOnError) return; // keep the users we have; a half-edited file must not lock everyone out
            throw e as FormatException ?? new FormatException($"cannot read it: {e.Message}");
        }
        lock (_gate)
        {
            _users = users;
            _loaded = stamp;
        }
    }

    private static Dictionary<string, PasswordHash> Parse(string[] lines)
    {
        var users = new Dictionary<string, PasswordHash>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            var user = colon < 0 ? "" : line[..colon];
            var hash = colon < 0 ? null : PasswordHash.TryParse(line[(colon + 1)..]);
            if (!IsValidUserName(user) || hash is null)
                throw new FormatException($"line {i + 1} is not user:{PasswordHash.Scheme}:iterations(>= {PasswordHash.MinIterations}):salt-b64:hash-b64");
            users[user] = hash;
        }
        return users;
    }
}
