using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorMta.TestSupport.Http;

/// <summary>
/// A small HTTPS/1.1 server on loopback for serving MTA-STS policies: one certificate, answers chosen per Host header
/// (default 404), one request per connection, and a count of requests per host. Real sockets and TLS, nothing mocked.
/// </summary>
public sealed class TestHttpsServer : IAsyncDisposable
{
    /// <summary>What a host answers: status, Content-Type, body.</summary>
    public sealed record Answer(int Status, string ContentType, string Body);

    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _accepting;

    private TestHttpsServer(X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TestHttpsServer Start(X509Certificate2 certificate) => new(certificate);

    /// <summary>Serves <paramref name="body"/> for GET on <paramref name="host"/> (any path).</summary>
    public TestHttpsServer Serve(string host, string body, int status = 200, string contentType = "text/plain")
    {
        _answers[host] = new Answer(status, contentType, body);
        return this;
    }

    public int RequestsFor(string host) => _requests.GetValueOrDefault(host);

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
            using var reader = new StreamReader(tls, Encoding.ASCII, false, 1024, leaveOpen: true);
            string? host = null;
            while (await reader.ReadLineAsync(timeout.Token) is { Length: > 0 } line)
                if (line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)) host = line[5..].Trim().Split(':')[0];
            host ??= "";
            _requests.AddOrUpdate(host, 1, (_, n) => n + 1);
            var answer = _answers.GetValueOrDefault(host) ?? new Answer(404, "text/plain", "not found");
            var body = Encoding.UTF8.GetBytes(answer.Body);
            var head = $"HTTP/1.1 {answer.Status} X\r\nContent-Type: {answer.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            await tls.WriteAsync(body, timeout.Token);
            await tls.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // A client that gave up (e.g. refused the certificate) is its own business.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }
}
