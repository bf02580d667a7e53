namespace ActorMta.Configuration;

/// <summary>
/// Calls back when files an operator may replace at run time change (certificates, rules, lists): a file
/// system watcher on their folders (whole folders, since Kubernetes swaps a mounted Secret or ConfigMap
/// through a symlinked directory), and a periodic call besides, for file systems that raise no events.
/// Bursts of events are settled into one call, made a settling time after the first event of the burst (not the
/// last: a folder that never goes quiet, such as a config file beside the journal, must not put the call off for
/// ever); an event during the call brings another. The callback decides whether anything really changed.
/// </summary>
public sealed class WatchedFiles : IDisposable
{
    /// <summary>Lets a writer finish related files (a certificate and its key) before they are read.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly Action _check;
    private readonly TimeSpan _checkEvery;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private bool _settling;

    /// <param name="checkEvery">Zero: on events only.</param>
    public WatchedFiles(IEnumerable<string> files, TimeSpan checkEvery, Action check)
    {
        _check = check;
        _checkEvery = checkEvery;
        _timer = new Timer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var folder in files.Select(Path.GetDirectoryName).OfType<string>().Where(Directory.Exists).Distinct())
        {
            var watcher = new FileSystemWatcher(folder)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Soon();
            watcher.Created += (_, _) => Soon();
            watcher.Renamed += (_, _) => Soon();
            watcher.Deleted += (_, _) => Soon();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        Schedule(checkEvery);
    }

    private void Soon()
    {
        lock (_gate)
        {
            if (_settling) return;
            _settling = true;
            Schedule(Settle);
        }
    }

    private void Tick()
    {
        lock (_gate) _settling = false;
        _check();
        // An event during the call has scheduled the next one already.
        lock (_gate)
            if (!_settling) Schedule(_checkEvery);
    }

    private void Schedule(TimeSpan after)
    {
        try
        {
            _timer.Change(after > TimeSpan.Zero ? after : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _timer.Dispose();
    }
}
