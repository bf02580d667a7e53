using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client.Support;

/// <summary>
/// TLS from the first byte in front of a plain sink, as a port-465 ("smtps") server looks: each
/// accepted connection is TLS-terminated and relayed both ways to <paramref name="backend"/>.
/// </summary>
internal sealed class ImplicitTlsFront : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _backend;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public ImplicitTlsFront(IPEndPoint backend)
    {
        _backend = backend;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        var relays = new List<Task>();
        try
        {
            while (true) relays.Add(RelayAsync(await _listener.AcceptTcpClientAsync(_stopping.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var front = client;
        using var back = new TcpClient();
        try
        {
            await using var tls = new SslStream(front.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = SelfSignedCertificate.ForLoopback }, _stopping.Token);
            await back.ConnectAsync(_backend, _stopping.Token);
            var backStream = back.GetStream();
            // Either side closing ends the relay.
            await Task.WhenAny(tls.CopyToAsync(backStream, _stopping.Token), backStream.CopyToAsync(tls, _stopping.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // A client that left mid-handshake or a stopping test.
        }
    }
}
