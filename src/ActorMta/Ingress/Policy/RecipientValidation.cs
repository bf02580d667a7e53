using ActorMta.Configuration;
using ActorMta.Smtp;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorMta.Ingress.Policy;

/// <summary>
/// Which recipients exist, for the accepted domains that say so (actormta.smtp.recipient-validation).
/// Without it any local part of an accepted domain is taken, and a later 5xx sends a DSN to a sender
/// that may be forged (backscatter). A domain's users come from a list file (one address or local part
/// a line) or from a directory's subdirectories (a maildir route's users). Lookups use a snapshot that
/// is checked in the background at most once per interval, so a session never waits on the disk.
/// </summary>
public sealed class RecipientValidation
{
    private const string Root = "actormta.smtp.recipient-validation";

    public static RecipientValidation None { get; } = new(new Dictionary<string, KnownRecipients>());

    private readonly Dictionary<string, KnownRecipients> _domains;

    private RecipientValidation(Dictionary<string, KnownRecipients> domains) => _domains = domains;

    public int Count => _domains.Count;

    /// <summary>True when <paramref name="mailbox"/>'s domain validates recipients and does not know this one.</summary>
    public bool IsUnknown(Mailbox mailbox) =>
        _domains.TryGetValue(mailbox.Domain.TrimEnd('.'), out var known) && !known.Contains(mailbox.LocalPart, mailbox.Domain);

    public static RecipientValidation From(SettingsReader settings, string dataDirectory, TimeProvider clock)
    {
        var interval = settings.Duration($"{Root}-check-interval", TimeSpan.FromMilliseconds(10));
        if (!settings.Root.HasPath(Root)) return None;
        var value = settings.Root.GetValue(Root);
        if (!value.IsObject()) throw new SettingException(Root, value.ToString(), "an object of accepted domains");
        var domains = new Dictionary<string, KnownRecipients>(StringComparer.OrdinalIgnoreCase);
        foreach (var (domain, entry) in value.GetObject().Items)
        {
            var path = $"{Root}.{Hocon.Quote(domain)}";
            if (!entry.IsObject()) throw new SettingException(path, entry.ToString(), "{ users-file = ... } or { users-directory = ... }");
            var reader = new SettingsReader(new Config(new HoconRoot(entry)));
            var file = reader.Raw("users-file") is null ? "" : reader.String("users-file");
            var directory = reader.Raw("users-directory") is null ? "" : reader.String("users-directory");
            if ((file.Length == 0) == (directory.Length == 0))
                throw new SettingException(path, entry.ToString(), "exactly one of users-file (a list) or users-directory (a maildir route's users)");
            var source = file.Length > 0
                ? KnownRecipients.FromFile(Path.GetFullPath(file, dataDirectory), interval, clock)
                : KnownRecipients.FromDirectory(Path.GetFullPath(directory, dataDirectory), interval, clock);
            if (source is null)
                throw new SettingException($"{path}.{(file.Length > 0 ? "users-file" : "users-directory")}", file + directory,
                    file.Length > 0 ? "a readable file" : "an existing directory");
            domains[domain.TrimEnd('.')] = source;
        }
        return new RecipientValidation(domains);
    }
}

/// <summary>One domain's known recipients: a snapshot, reloaded in the background when its source changed.</summary>
internal sealed class KnownRecipients
{
    private readonly Func<object?, (object Version, HashSet<string> Names)?> _load;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private volatile Snapshot _snapshot;
    private long _checkedAt;
    private int _checking;

    private sealed record Snapshot(object Version, HashSet<string> Names);

    private KnownRecipients(Snapshot first, Func<object?, (object, HashSet<string>)?> load, TimeSpan interval, TimeProvider clock)
    {
        _snapshot = first;
        _load = load;
        _interval = interval;
        _clock = clock;
        _checkedAt = clock.GetTimestamp();
    }

    /// <summary>A list file: one local part or address a line; blank lines and lines starting with '#' are skipped.</summary>
    public static KnownRecipients? FromFile(string file, TimeSpan interval, TimeProvider clock)
    {
        (object, HashSet<string>)? Load(object? version)
        {
            var info = new FileInfo(file);
            if (!info.Exists) return null; // gone: keep what we knew
            var now = (info.LastWriteTimeUtc, info.Length);
            if (version is ValueTuple<DateTime, long> seen && seen.Equals(now)) return null;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in File.ReadLines(file))
            {
                var name = line.Trim();
                if (name.Length > 0 && name[0] != '#') names.Add(name);
            }
            return (now, names);
        }
        return Create(Load, interval, clock);
    }

    /// <summary>A directory whose subdirectories are the users (a maildir route's users: one maildir each).</summary>
    public static KnownRecipients? FromDirectory(string directory, TimeSpan interval, TimeProvider clock)
    {
        (object, HashSet<string>)? Load(object? version)
        {
            if (!Directory.Exists(directory)) return null;
            var names = new HashSet<string>(Directory.EnumerateDirectories(directory).Select(Path.GetFileName)!, StringComparer.OrdinalIgnoreCase);
            return (names.Count, names);
        }
        return Create(Load, interval, clock);
    }

    private static KnownRecipients? Create(Func<object?, (object, HashSet<string>)?> load, TimeSpan interval, TimeProvider clock) =>
        load(null) is { } first ? new KnownRecipients(new Snapshot(first.Item1, first.Item2), load, interval, clock) : null;

    public bool Contains(string localPart, string domain)
    {
        CheckForChanges();
        var names = _snapshot.Names;
        return names.Contains(localPart) || names.Contains($"{localPart}@{domain}");
    }

    /// <summary>At most once per interval, one reload on the thread pool; the lookup goes on with the current snapshot.</summary>
    private void CheckForChanges()
    {
        if (_clock.GetElapsedTime(Interlocked.Read(ref _checkedAt)) < _interval) return;
        if (Interlocked.Exchange(ref _checking, 1) == 1) return;
        Task.Run(() =>
        {
            try
            {
                if (_load(_snapshot.Version) is { } fresh) _snapshot = new Snapshot(fresh.Item1, fresh.Item2);
            }
            catch (IOException)
            {
                // Unreadable for a moment (being rewritten): keep the last snapshot and look again next interval.
            }
            catch (UnauthorizedAccessException)
            {
            }
            finally
            {
                Interlocked.Exchange(ref _checkedAt, _clock.GetTimestamp());
                Volatile.Write(ref _checking, 0);
            }
        });
    }
}
