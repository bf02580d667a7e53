using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.Tests.Ingress.Support;

/// <summary>
/// An SMTP client at the octet level, for what MailKit will not do: pipelined groups, bytes before
/// the greeting, plaintext after STARTTLS, bare line endings, over-long lines, a chosen source address.
/// Reads exactly the octets of each reply (no read-ahead), so it can switch to TLS between replies.
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private Stream _stream;
    private readonly byte[] _one = new byte[1];

    private WireClient(Socket socket)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
    }

    public SslStream? Tls { get; private set; }

    /// <summary>Connects from <paramref name="from"/> (any 127.0.0.0/8 address works on loopback) or the default source.</summary>
    public static async Task<WireClient> ConnectAsync(IPEndPoint server, IPAddress? from = null)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(server).WaitAsync(Deadline);
        return new WireClient(socket);
    }

    /// <summary>Connects and checks the greeting is a 220.</summary>
    public static async Task<WireClient> GreetedAsync(IPEndPoint server, IPAddress? from = null)
    {
        var client = await ConnectAsync(server, from);
        var greeting = await client.ReadReplyAsync();
        Assert.StartsWith("220 ", greeting);
        return client;
    }

    public Task SendAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] octets)
    {
        await _stream.WriteAsync(octets).AsTask().WaitAsync(Deadline);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one line and returns the whole reply (lines joined with \n).</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>One whole reply; fails if the server closes first.</summary>
    public async Task<string> ReadReplyAsync() =>
        await TryReadReplyAsync() ?? throw new IOException("the server closed the connection instead of replying");

    /// <summary>One whole reply, or null when the server closed the connection.</summary>
    public async Task<string?> TryReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            if (line is null) return lines.Count == 0 ? null : string.Join("\n", lines);
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ') return string.Join("\n", lines);
        }
    }

    /// <summary>Replies for <paramref name="count"/> commands sent together.</summary>
    public async Task<string[]> ReadRepliesAsync(int count)
    {
        var replies = new string[count];
        for (var i = 0; i < count; i++) replies[i] = await ReadReplyAsync();
        return replies;
    }

    /// <summary>The octets of the next single receive (after waiting for the first), as text: what the server sent in one go.</summary>
    public async Task<string> ReceiveOnceAsync()
    {
        var buffer = new byte[64 * 1024];
        var read = await _network.ReadAsync(buffer).AsTask().WaitAsync(Deadline);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>True once the server has closed the connection (reads and drops anything before the end).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            while (await ReadLineAsync() is not null)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true; // a reset is a close too
        }
    }

    /// <summary>STARTTLS has been answered 220: run the client handshake (any server certificate is accepted).</summary>
    public async Task StartTlsAsync()
    {
        Tls = new SslStream(_network, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await Tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }).WaitAsync(Deadline);
        _stream = Tls;
    }

    /// <summary>EHLO, STARTTLS, handshake, EHLO again.</summary>
    public async Task<string> SecureAsync(string ehloName = "client.test")
    {
        Assert.StartsWith("250", await CommandAsync("EHLO " + ehloName));
        Assert.StartsWith("220 2.0.0", await CommandAsync("STARTTLS"));
        await StartTlsAsync();
        var ehlo = await CommandAsync("EHLO " + ehloName);
        Assert.StartsWith("250", ehlo);
        return ehlo;
    }

    private async Task<string?> ReadLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            var read = await _stream.ReadAsync(_one).AsTask().WaitAsync(Deadline);
            if (read == 0) return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
            if (_one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
                return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 1);
            line.Add(_one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Tls is not null) await Tls.DisposeAsync();
        await _network.DisposeAsync();
    }
}
