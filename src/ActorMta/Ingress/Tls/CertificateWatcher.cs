using ActorMta.Configuration;

namespace ActorMta.Ingress.Tls;

/// <summary>Reloads the server certificate when its PEM files change, and says what happened.</summary>
public sealed class CertificateWatcher : IDisposable
{
    private readonly ServerCertificate _certificate;
    private readonly Action<string> _reloaded;
    private readonly Action<string> _failed;
    private readonly WatchedFiles _files;
    private string? _lastError;

    /// <param name="reloaded">Told the new certificate's subject and expiry.</param>
    /// <param name="failed">Told why changed files were not taken (once per distinct reason).</param>
    public CertificateWatcher(ServerCertificate certificate, TimeSpan checkEvery, Action<string> reloaded, Action<string> failed)
    {
        _certificate = certificate;
        _reloaded = reloaded;
        _failed = failed;
        _files = new WatchedFiles(certificate.Files, checkEvery, Check);
    }

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
    }

    public void Dispose() => _files.Dispose();
}
