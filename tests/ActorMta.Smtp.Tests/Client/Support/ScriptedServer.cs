using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client.Support;

/// <summary>
/// A raw TCP server on loopback that plays one connection by a script: for what a well-behaved sink
/// never does (stay silent, inject bytes before TLS, insist on reading a whole pipelined group).
/// Await <see cref="Completion"/> to surface the script's own assertion failures.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();

    private ScriptedServer(Func<ScriptedPeer, Task> script)
    {
        _listener.Start();
        Completion = RunAsync(script);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Ends when the script has run; faults with the script's failure.</summary>
    public Task Completion { get; }

    public static ScriptedServer Start(Func<ScriptedPeer, Task> script) => new(script);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await Completion;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The test ended the conversation; its own assertions have run already.
        }
        _stopping.Dispose();
    }

    private async Task RunAsync(Func<ScriptedPeer, Task> script)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
        await using var peer = new ScriptedPeer(client.GetStream(), _stopping.Token);
        await script(peer);
    }
}

/// <summary>The server side of one scripted connection: lines in, raw text out, TLS on demand.</summary>
internal sealed class ScriptedPeer(NetworkStream network, CancellationToken stopping) : IAsyncDisposable
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(20);
    private Stream _stream = network;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[8192];

    /// <summary>Every line the client sent, without CRLF.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Sends text exactly as given (the script writes the CRLFs).</summary>
    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), stopping);
        await _stream.FlushAsync(stopping);
    }

    /// <summary>The next CRLF-terminated line without its CRLF; null when the client closed.</summary>
    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var end = IndexOfCrLf();
            if (end >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 2);
                Lines.Add(line);
                return line;
            }
            if (!await FillAsync()) return null;
        }
    }

    /// <summary>Reads a line and checks it starts with <paramref name="prefix"/> (case-insensitive).</summary>
    public async Task<string> ExpectAsync(string prefix)
    {
        var line = await ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith(prefix, line, StringComparison.OrdinalIgnoreCase);
        return line;
    }

    /// <summary>The greeting, EHLO, and a reply offering <paramref name="keywords"/> (e.g. "PIPELINING", "STARTTLS").</summary>
    public async Task GreetAsync(params string[] keywords)
    {
        await SendAsync("220 mx.test ESMTP\r\n");
        await ExpectAsync("EHLO client.test");
        await SendAsync(string.Concat(keywords.Prepend("mx.test").Select((k, i) => $"250{(i == keywords.Length ? ' ' : '-')}{k}\r\n")));
    }

    /// <summary>Greets offering STARTTLS and waits for the client to ask for it.</summary>
    public async Task OfferStartTlsAsync()
    {
        await GreetAsync("STARTTLS");
        await ExpectAsync("STARTTLS");
    }

    /// <summary>Waits for QUIT and answers it.</summary>
    public async Task SayGoodbyeAsync()
    {
        await ExpectAsync("QUIT");
        await SendAsync("221 2.0.0 Bye\r\n");
    }

    /// <summary>Reads DATA content up to the lone "." line; returns it still dot-stuffed, CRLFs included.</summary>
    public async Task<string> ReadContentAsync()
    {
        var content = new StringBuilder();
        while (await ReadLineAsync() is { } line && line != ".") content.Append(line).Append("\r\n");
        return content.ToString();
    }

    /// <summary>Becomes the TLS server (self-signed loopback certificate); plaintext read ahead is dropped.</summary>
    public async Task StartTlsAsync()
    {
        _pending.Clear();
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = SelfSignedCertificate.ForLoopback }, stopping);
        _stream = tls;
    }

    /// <summary>Waits until the client closes the connection (reading and keeping whatever it still sends).</summary>
    public async Task WaitForCloseAsync()
    {
        while (await ReadLineAsync() is not null)
        {
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private int IndexOfCrLf()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n') return i;
        }
        return -1;
    }

    private async Task<bool> FillAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(ReadDeadline);
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer, deadline.Token);
        }
        catch (IOException)
        {
            return false; // reset by the client: the same as a close for these scripts
        }
        _pending.AddRange(_buffer.AsSpan(0, read));
        return read > 0;
    }
}
