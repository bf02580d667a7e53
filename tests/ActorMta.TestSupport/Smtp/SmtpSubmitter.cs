using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.TestSupport.Smtp;

/// <summary>What the server answered to the end of one message's data.</summary>
public sealed record SubmissionResult(int Code, string Reply)
{
    /// <summary>The queue id from "250 2.0.0 Ok: queued as ID", when the server gave one.</summary>
    public string? QueueId => Code == 250 && Reply.LastIndexOf("queued as ", StringComparison.Ordinal) is var at and >= 0
        ? Reply[(at + "queued as ".Length)..].Trim()
        : null;
}

/// <summary>
/// A plain, lock-step SMTP client for load and crash tests: one connection, any number of
/// transactions, every reply recorded. Independent of ActorMta's own SMTP code.
/// </summary>
public sealed class SmtpSubmitter : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private SmtpSubmitter(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII, false, 4096, leaveOpen: true);
    }

    public static async Task<SmtpSubmitter> ConnectAsync(IPEndPoint server, string helo = "load.example", IPAddress? localAddress = null, CancellationToken cancellation = default)
    {
        var client = localAddress is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(localAddress, 0));
        await client.ConnectAsync(server, cancellation);
        var submitter = new SmtpSubmitter(client);
        await submitter.ExpectAsync(220, cancellation);
        await submitter.CommandAsync($"EHLO {helo}", 250, cancellation);
        return submitter;
    }

    /// <summary>One transaction; the body must use CRLF line endings and is dot-stuffed here.</summary>
    public async Task<SubmissionResult> SendAsync(string from, IReadOnlyList<string> recipients, string body, CancellationToken cancellation = default)
    {
        var mail = await CommandAsync($"MAIL FROM:<{from}>", null, cancellation);
        if (mail.Code != 250) return mail;
        var accepted = 0;
        foreach (var recipient in recipients)
            if ((await CommandAsync($"RCPT TO:<{recipient}>", null, cancellation)).Code is 250 or 251) accepted++;
        if (accepted == 0) return await CommandAsync("RSET", null, cancellation) with { Code = 554 };
        var data = await CommandAsync("DATA", null, cancellation);
        if (data.Code != 354) return data;
        var stuffed = body.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        if (stuffed.StartsWith('.')) stuffed = "." + stuffed;
        if (!stuffed.EndsWith("\r\n", StringComparison.Ordinal)) stuffed += "\r\n";
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(stuffed + ".\r\n"), cancellation);
        return await ReadReplyAsync(cancellation);
    }

    public async Task<SubmissionResult> CommandAsync(string command, int? expected, CancellationToken cancellation = default)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellation);
        return expected is { } code ? await ExpectAsync(code, cancellation) : await ReadReplyAsync(cancellation);
    }

    private async Task<SubmissionResult> ExpectAsync(int code, CancellationToken cancellation)
    {
        var reply = await ReadReplyAsync(cancellation);
        if (reply.Code != code) throw new InvalidOperationException($"expected {code}, server said: {reply.Reply}");
        return reply;
    }

    /// <summary>A whole (possibly multi-line) reply; the connection closing is an IOException.</summary>
    public async Task<SubmissionResult> ReadReplyAsync(CancellationToken cancellation)
    {
        var text = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellation) ?? throw new IOException("the server closed the connection");
            text.Append(line).Append('\n');
            if (line.Length < 4 || line[3] != '-')
                return new SubmissionResult(int.TryParse(line.AsSpan(0, Math.Min(3, line.Length)), out var code) ? code : 0, text.ToString().TrimEnd('\n'));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await CommandAsync("QUIT", null, quit.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The server is gone (killed) or closed first: nothing to say goodbye to.
        }
        _reader.Dispose();
        _client.Dispose();
    }
}
