namespace ActorMta.Ingress.Tls;

/// <summary>
/// Reloads the server certificate when its PEM files change: a file system watcher on their folders
/// (whole folders, since Kubernetes swaps a Secret's files through a symlinked directory), and a
/// periodic check besides, for file systems that raise no events (network mounts, some containers).
/// </summary>
public sealed class CertificateWatcher : IDisposable
{
    /// <summary>Lets the writer finish both files before they are read.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly ServerCertificate _certificate;
    private readonly Action<string> _reloaded;
    private readonly Action<string> _failed;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _check;
    private readonly TimeSpan _checkEvery;
    private string? _lastError;

    /// <param name="reloaded">Told the new certificate's subject and expiry.</param>
    /// <param name="failed">Told why changed files were not taken (once per distinct reason).</param>
    public CertificateWatcher(ServerCertificate certificate, TimeSpan checkEvery, Action<string> reloaded, Action<string> failed)
    {
        _certificate = certificate;
        _reloaded = reloaded;
        _failed = failed;
        _check = new Timer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var folder in certificate.Files.Select(Path.GetDirectoryName).OfType<string>().Distinct())
        {
            var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.DirectoryName };
            watcher.Changed += (_, _) => Soon();
            watcher.Created += (_, _) => Soon();
            watcher.Renamed += (_, _) => Soon();
            watcher.Deleted += (_, _) => Soon();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        _checkEvery = checkEvery;
        _check.Change(checkEvery > TimeSpan.Zero ? checkEvery : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Soon() => _check.Change(Settle, Timeout.InfiniteTimeSpan);

    private void Check()
    {
        if (_certificate.Reload())
        {
            _lastError = null;
            _reloaded($"{_certificate.Certificate.Subject}, valid until {_certificate.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z");
        }
        else if (_certificate.LastReloadError is { } error && error != _lastError)
        {
            _lastError = error;
            _failed(error);
        }
        try
        {
            _check.Change(_checkEvery > TimeSpan.Zero ? _checkEvery : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped while checking.
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _check.Dispose();
    }
}
