using ActorMta.Configuration;

namespace ActorMta.Dkim;

/// <summary>
/// Keeps the signer's <see cref="DkimSigning"/> current without a restart: watches the operator's config file and
/// the key files' folders (<see cref="WatchedFiles"/>: change events and a periodic check), and when one changed,
/// reads the layered configuration's actormta.dkim again (environment overrides still win) and every key, checked
/// as at start-up. Valid: swapped in as one reference, and one line says what changed. Invalid: the previous
/// settings stay, and one line says which setting and why (again only when the reason changes). Only actormta.dkim
/// is read again; other sections take a restart.
/// </summary>
public sealed class DkimReloader : IDisposable
{
    private readonly Func<DkimSettings>? _read;
    private readonly IReadOnlyList<string> _configFiles;
    private readonly TimeSpan _checkEvery;
    private readonly Action<string> _changed;
    private readonly Action<string> _problem;
    private readonly Lock _lock = new();
    private volatile DkimSigning _current;
    private WatchedFiles? _watch;
    private string _watching = "";
    private string _stamp;
    private string? _lastRejection;
    private bool _disposed;

    /// <param name="read">Reads actormta.dkim again (null: the settings are fixed, only key files are read again).</param>
    /// <param name="changed">Told what a taken reload changed (one line).</param>
    /// <param name="problem">Told why a reload or a changed key file was not taken (one line).</param>
    public DkimReloader(DkimSigning initial, Func<DkimSettings>? read, IReadOnlyList<string> configFiles, TimeSpan checkEvery, Action<string> changed, Action<string> problem)
    {
        _current = initial;
        _read = read;
        _configFiles = configFiles;
        _checkEvery = checkEvery;
        _changed = changed;
        _problem = problem;
        _stamp = Stamp(initial);
        Signer = new DkimMessageSigner(() => _current);
        lock (_lock) Watch();
        DkimMetrics.Live[this] = 0;
    }

    /// <summary>The node's: watches the operator's --config file (if any) and the key files.</summary>
    public static DkimReloader Start(DkimSettings settings, ConfigSource? source, NodeSettings node, Action<string> changed, Action<string> problem) =>
        new(DkimSigning.Load(settings), source is null ? null : () => DkimSettings.Read(new SettingsReader(source.Load()), node),
            source?.OperatorFile is { } file ? [Path.GetFullPath(file)] : [], settings.ReloadCheckEvery, changed, problem);

    /// <summary>What signs now (read once per message).</summary>
    public DkimSigning Current => _current;

    /// <summary>Signs with <see cref="Current"/>.</summary>
    public DkimMessageSigner Signer { get; }

    /// <summary>Reads the files again if any changed (the watcher calls it; tests may): true if new settings or keys were taken.</summary>
    public bool Check()
    {
        lock (_lock)
        {
            if (_disposed) return false;
            try
            {
                return Reload();
            }
            catch (Exception e)
            {
                // A reload never stops the node, whatever went wrong.
                Reject($"{e.GetType().Name}: {e.Message}");
                return false;
            }
        }
    }

    private bool Reload()
    {
        var stamp = Stamp(_current);
        if (stamp == _stamp) return false;
        var before = _current;
        DkimSigning next;
        try
        {
            next = DkimSigning.Load(_read?.Invoke() ?? before.Settings, before, _problem);
        }
        catch (SettingException e)
        {
            // The stamp is not taken: checked again at the next event or period (say, a new selector's key file written after the config).
            Reject(e.Message);
            return false;
        }
        _stamp = stamp;
        _lastRejection = null;
        _current = next;
        Watch();
        var changes = DkimChanges.Describe(before, next);
        if (changes.Count == 0) return false;
        DkimMetrics.ReloadsTaken.Add(1);
        _changed("dkim: " + string.Join("; ", changes));
        return true;
    }

    private void Reject(string reason)
    {
        DkimMetrics.ReloadsRejected.Add(1);
        if (reason != _lastRejection) _problem($"dkim: changed settings not taken, signing goes on as before: {reason}");
        _lastRejection = reason;
    }

    /// <summary>The config files' text and the key files' stamps: what a check compares.</summary>
    private string Stamp(DkimSigning signing) =>
        string.Join('\n', _configFiles.Select(f => File.Exists(f) ? File.ReadAllText(f) : "-"))
        + string.Join('|', signing.KeyFiles.Select(f => FileStamp.Of(f).ToString()));

    /// <summary>Watches the folders of the config file and of the current key files (again when they changed).</summary>
    private void Watch()
    {
        var files = _configFiles.Concat(_current.KeyFiles).ToList();
        var folders = string.Join('\n', files.Select(Path.GetDirectoryName).Distinct().Order(StringComparer.Ordinal));
        if (folders == _watching) return;
        _watch?.Dispose();
        _watch = new WatchedFiles(files, _checkEvery, () => Check());
        _watching = folders;
    }

    public void Dispose()
    {
        DkimMetrics.Live.TryRemove(this, out _);
        lock (_lock)
        {
            _disposed = true;
            _watch?.Dispose();
        }
    }
}
