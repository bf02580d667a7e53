using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorMta.Ingress;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Tls;
using ActorMta.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorMta.Tests.Ingress.Tls;

/// <summary>A renewed certificate is presented to new TLS sessions without a restart (issue 10, item 10).</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_replaced_certificate_file_is_presented_by_the_next_handshake_without_a_restart()
    {
        var certificatePath = Path.Combine(_data.Path, "smtp.crt");
        var keyPath = Path.Combine(_data.Path, "smtp.key");
        WritePair("CN=before.example", certificatePath, keyPath);
        var certificate = ServerCertificate.Load(new TlsSettings(certificatePath, keyPath), _data.Path, "x");
        var reloads = new List<string>();
        // Events only (no periodic check): the file watcher alone must notice the renewal.
        using var watcher = new CertificateWatcher(certificate, TimeSpan.Zero, r => { lock (reloads) reloads.Add(r); }, _ => { });
        using var server = new TlsServer(certificate);
        Assert.Equal("CN=before.example", await server.PresentedSubjectAsync());

        WritePair("CN=after.example", certificatePath, keyPath);

        await Eventually.True(async () => await server.PresentedSubjectAsync() == "CN=after.example", TimeSpan.FromSeconds(20),
            "the renewed certificate presented");
        lock (reloads) Assert.Contains(reloads, r => r.StartsWith("CN=after.example, valid until ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_half_written_or_mismatched_pair_keeps_the_old_certificate_and_says_why_until_a_good_pair_arrives()
    {
        var certificatePath = Path.Combine(_data.Path, "smtp.crt");
        var keyPath = Path.Combine(_data.Path, "smtp.key");
        WritePair("CN=first.example", certificatePath, keyPath);
        var certificate = ServerCertificate.Load(new TlsSettings(certificatePath, keyPath), _data.Path, "x");
        using var server = new TlsServer(certificate);

        // The certificate is renewed, its key not yet: the old pair stays in service.
        var otherKey = Path.Combine(_data.Path, "other.key");
        WritePair("CN=second.example", certificatePath, otherKey);
        Assert.False(certificate.Reload());
        Assert.Contains("smtp.crt", certificate.LastReloadError);
        Assert.Equal("CN=first.example", await server.PresentedSubjectAsync());
        var health = await new ServerCertificateHealthCheck(certificate, [], TimeProvider.System).CheckHealthAsync(null!, CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("changed certificate files were not taken", health.Description);

        File.Copy(otherKey, keyPath, overwrite: true);
        Assert.True(certificate.Reload());
        Assert.Null(certificate.LastReloadError);
        Assert.Equal("CN=second.example", await server.PresentedSubjectAsync());
        Assert.False(certificate.Reload());
    }

    [Fact]
    public async Task The_self_signed_certificate_serving_AUTH_listeners_is_reported_as_detail_not_failure()
    {
        var certificate = ServerCertificate.Load(new TlsSettings(null, null), _data.Path, "mx.example");
        var submission = new ListenerSettings("submission", ListenerRole.Submission, new IPEndPoint(IPAddress.Loopback, 0), TimeSpan.Zero);
        var relay = new ListenerSettings("relay", ListenerRole.Relay, new IPEndPoint(IPAddress.Loopback, 0), TimeSpan.Zero);

        var health = await new ServerCertificateHealthCheck(certificate, [relay, submission], TimeProvider.System)
            .CheckHealthAsync(null!, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("self-signed certificate", health.Description);
        Assert.Contains("serves AUTH on submission:", health.Description);
        Assert.Null(IngressStage.SelfSignedWarning(certificate, [relay]));
    }

    private static void WritePair(string subject, string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Written aside and moved in, as certificate tools do, so a reader never sees half a file.
        File.WriteAllText(certificatePath + ".new", certificate.ExportCertificatePem());
        File.WriteAllText(keyPath + ".new", key.ExportPkcs8PrivateKeyPem());
        File.Move(keyPath + ".new", keyPath, overwrite: true);
        File.Move(certificatePath + ".new", certificatePath, overwrite: true);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>A loopback TLS server that, like a session, reads the certificate's options at each handshake.</summary>
    private sealed class TlsServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ServerCertificate _certificate;
        private readonly CancellationTokenSource _stop = new();

        public TlsServer(ServerCertificate certificate)
        {
            _certificate = certificate;
            _listener.Start();
            _ = AcceptAsync();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    await using (var tls = new SslStream(client.GetStream()))
                    {
                        try { await tls.AuthenticateAsServerAsync(_certificate.ServerOptions, _stop.Token); }
                        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException) { }
                    }
                });
            }
        }

        public async Task<string> PresentedSubjectAsync()
        {
            using var client = new TcpClient();
            await client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
            await using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("mx.example");
            return tls.RemoteCertificate!.Subject;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
