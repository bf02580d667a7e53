namespace ActorMta.Configuration;

/// <summary>
/// Calls back when files an operator may replace at run time change (certificates, rules, lists): a file
/// system watcher on their folders (whole folders, since Kubernetes swaps a mounted Secret or ConfigMap
/// through a symlinked directory), and a periodic call besides, for file systems that raise no events.
/// Bursts of events are settled into one call; the callback decides whether anything really changed.
/// </summary>
public sealed class WatchedFiles : IDisposable
{
    /// <summary>Lets a writer finish related files (a certificate and its key) before they are read.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly Action _check;
    private readonly TimeSpan _checkEvery;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _timer;

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

    private void Soon() => Schedule(Settle);

    private void Tick()
    {
        _check();
        Schedule(_checkEvery);
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
