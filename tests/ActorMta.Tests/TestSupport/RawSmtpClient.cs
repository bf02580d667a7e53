using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.Tests.TestSupport;

/// <summary>A bare SMTP client for protocol-level checks MailKit would not make (raw lines, exact bytes, early closes).</summary>
internal sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient(endPoint.AddressFamily);
        await tcp.ConnectAsync(endPoint).WaitAsync(Deadline);
        return new RawSmtpClient(tcp);
    }

    /// <summary>Connects, reads the greeting and sends <paramref name="commands"/> one by one, expecting each to succeed.</summary>
    public static async Task<RawSmtpClient> OpenAsync(IPEndPoint endPoint, params string[] commands)
    {
        var client = await ConnectAsync(endPoint);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        foreach (var command in commands)
        {
            Assert.Matches("^[23]", await client.CommandAsync(command));
        }

        return client;
    }

    /// <summary>Reads one whole reply (all its lines); null when the server closed the connection.</summary>
    public async Task<string?> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(Deadline);
            if (line is null)
            {
                return lines.Count == 0 ? null : string.Join("\n", lines);
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return string.Join("\n", lines);
            }
        }
    }

    public async Task SendAsync(string text) => await SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(Deadline);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line and returns the reply.</summary>
    public async Task<string?> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
