using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.Benchmarks.Smtp;

/// <summary>
/// The cheapest possible receiving server on loopback, so a client benchmark measures the client:
/// "250" to everything, DATA skipped to CRLF.CRLF, BDAT chunks skipped by size. One connection at a time.
/// </summary>
internal sealed class NullSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _ehlo;
    private readonly Task _serving;

    public NullSmtpServer(bool chunking)
    {
        _ehlo = Encoding.ASCII.GetBytes($"250-bench\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n{(chunking ? "250-CHUNKING\r\n" : "")}250 ENHANCEDSTATUSCODES\r\n");
        _listener.Start();
        _serving = ServeAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await ConverseAsync(PipeReader.Create(stream), stream);
        }
    }

    private async Task ConverseAsync(PipeReader input, NetworkStream output)
    {
        await output.WriteAsync("220 bench ESMTP\r\n"u8.ToArray());
        long skip = 0; // octets of a BDAT chunk still to come
        var inData = false;
        var replies = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            while (true)
            {
                if (skip > 0)
                {
                    var n = Math.Min(skip, buffer.Length);
                    buffer = buffer.Slice(n);
                    skip -= n;
                    if (skip > 0) break;
                    continue;
                }
                if (inData)
                {
                    var end = new SequenceReader<byte>(buffer);
                    if (!end.TryReadTo(out ReadOnlySequence<byte> _, "\r\n.\r\n"u8)) { buffer = buffer.Slice(Math.Max(0, buffer.Length - 4)); break; }
                    buffer = buffer.Slice(end.Position);
                    inData = false;
                    replies.Write("250 2.0.0 Ok\r\n"u8);
                    continue;
                }
                var reader = new SequenceReader<byte>(buffer);
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8)) break;
                buffer = buffer.Slice(reader.Position);
                var verb = Encoding.ASCII.GetString(line.Slice(0, Math.Min(4, line.Length)));
                switch (verb)
                {
                    case "EHLO": replies.Write(_ehlo); break;
                    case "DATA": replies.Write("354 Go\r\n"u8); inData = true; break;
                    case "BDAT":
                        var words = Encoding.ASCII.GetString(line).Split(' ');
                        skip = long.Parse(words[1]);
                        replies.Write("250 2.0.0 Ok\r\n"u8);
                        break;
                    case "QUIT":
                        await output.WriteAsync("221 Bye\r\n"u8.ToArray());
                        return;
                    default: replies.Write("250 2.0.0 Ok\r\n"u8); break;
                }
            }
            // Answers once per read, so a pipelined group gets its replies in one write.
            if (replies.WrittenCount > 0)
            {
                await output.WriteAsync(replies.WrittenMemory);
                replies.ResetWrittenCount();
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return;
        }
    }
}
