using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ActorMta.TestSupport.Smtp;

/// <summary>
/// One client connection to the sink: a plain, line-oriented RFC 5321 server side, written independently of
/// ActorMta's own protocol code so that end-to-end tests compare two implementations.
/// </summary>
internal sealed partial class SinkSession
{
    private readonly TestSmtpSink _sink;
    private readonly TestSmtpSinkOptions _options;
    private readonly TcpClient _client;
    private readonly NetworkStream _network;
    private readonly int _connectionNumber;
    private readonly DateTimeOffset _connectedAt = DateTimeOffset.UtcNow;
    private readonly IPEndPoint _remoteEndPoint;
    private readonly IPEndPoint _localEndPoint;
    private Stream _stream;
    private SslStream? _tls;
    private SinkLineReader _reader;
    private string? _heloName;
    private bool _extended;
    private string? _authenticatedUser;
    private bool _closing;

    public SinkSession(TestSmtpSink sink, TcpClient client, int connectionNumber)
    {
        _sink = sink;
        _options = sink.Options;
        _client = client;
        _network = client.GetStream();
        _stream = _network;
        _reader = new SinkLineReader(_stream, _options.MaxLineLength);
        _connectionNumber = connectionNumber;
        _remoteEndPoint = (IPEndPoint)client.Client.RemoteEndPoint!;
        _localEndPoint = (IPEndPoint)client.Client.LocalEndPoint!;
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            if (await GreetAsync(stopping))
            {
                await ServeCommandsAsync(stopping);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, the sink is stopping, or TLS failed: the session simply ends.
        }
        finally
        {
            _tls?.Dispose();
            _client.Dispose();
        }
    }

    private async Task<bool> GreetAsync(CancellationToken stopping)
    {
        if (Scripted(SinkStage.Connect, "") is { } reply)
        {
            await ReplyAsync(reply, stopping);
            return !_closing;
        }

        await ReplyAsync(220, $"{_options.HostName} ESMTP TestSmtpSink ready", stopping);
        return true;
    }

    private async Task ServeCommandsAsync(CancellationToken stopping)
    {
        while (!_closing)
        {
            byte[]? line;
            try
            {
                line = await ReadLineAsync(stopping);
            }
            catch (InvalidDataException)
            {
                await ReplyAsync(500, "5.5.6 Line too long", stopping);
                return;
            }

            if (line is null)
            {
                return;
            }

            var command = Encoding.UTF8.GetString(line).TrimEnd('\r', '\n');
            _sink.RecordCommand(new SinkCommand(_connectionNumber, command, DateTimeOffset.UtcNow));
            var space = command.IndexOf(' ');
            var verb = (space < 0 ? command : command[..space]).ToUpperInvariant();
            var argument = space < 0 ? "" : command[(space + 1)..].Trim();
            await DispatchAsync(verb, argument, stopping);
        }
    }

    private Task DispatchAsync(string verb, string argument, CancellationToken stopping) => verb switch
    {
        "EHLO" => HeloAsync(argument, extended: true, stopping),
        "HELO" => HeloAsync(argument, extended: false, stopping),
        "STARTTLS" => StartTlsAsync(argument, stopping),
        "AUTH" => AuthenticateAsync(argument, stopping),
        "MAIL" => MailFromAsync(argument, stopping),
        "RCPT" => RecipientAsync(argument, stopping),
        "DATA" => DataAsync(stopping),
        "BDAT" => ChunkAsync(argument, stopping),
        "RSET" => ResetAsync(stopping),
        "NOOP" => ReplyAsync(250, "2.0.0 OK", stopping),
        "VRFY" => ReplyAsync(252, "2.1.5 Cannot VRFY user, but will accept message", stopping),
        "QUIT" => QuitAsync(stopping),
        _ => ReplyAsync(500, "5.5.2 Command not recognized", stopping),
    };

    private async Task HeloAsync(string argument, bool extended, CancellationToken stopping)
    {
        if (argument.Length == 0)
        {
            await ReplyAsync(501, "5.5.4 A domain or address literal is required", stopping);
            return;
        }

        if (Scripted(SinkStage.Helo, argument) is { } reply)
        {
            await ReplyAsync(reply, stopping);
            return;
        }

        ResetTransaction();
        _heloName = argument;
        _extended = extended;
        var lines = new List<string> { $"{_options.HostName} greets {argument}" };
        if (extended)
        {
            lines.AddRange(Capabilities());
        }

        await ReplyAsync(250, string.Join('\n', lines), stopping);
    }

    private IEnumerable<string> Capabilities()
    {
        if (_options.Pipelining)
        {
            yield return "PIPELINING";
        }

        if (_options.MaxMessageSize is { } size)
        {
            yield return $"SIZE {size}";
        }

        if (_options.EightBitMime)
        {
            yield return "8BITMIME";
        }

        if (_options.SmtpUtf8)
        {
            yield return "SMTPUTF8";
        }

        if (_options.Chunking)
        {
            yield return "CHUNKING";
        }

        if (_options.Chunking && _options.BinaryMime)
        {
            yield return "BINARYMIME";
        }

        if (_options.Dsn)
        {
            yield return "DSN";
        }

        if (_options.StartTls && _tls is null)
        {
            yield return "STARTTLS";
        }

        if (_options.Credentials is not null)
        {
            yield return "AUTH PLAIN LOGIN";
        }

        yield return "ENHANCEDSTATUSCODES";
    }

    private async Task QuitAsync(CancellationToken stopping)
    {
        await ReplyAsync(221, "2.0.0 Bye", stopping);
        _closing = true;
    }

    private SinkReply? Scripted(SinkStage stage, string argument) =>
        _sink.Replies.Take(new SinkReplyContext(stage, argument, _reversePath, [.. _recipients.Select(r => r.Address)], _connectionNumber));

    private async Task<byte[]?> ReadLineAsync(CancellationToken stopping)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        idle.CancelAfter(_options.IdleTimeout);
        return await _reader.ReadLineAsync(idle.Token);
    }

    private async Task ReplyAsync(SinkReply reply, CancellationToken stopping)
    {
        if (reply.Gate is { } gate) await gate.WaitAsync(stopping);
        _closing |= reply.CloseConnection;
        await ReplyAsync(reply.Code, reply.Text, stopping);
    }

    private async Task ReplyAsync(int code, string text, CancellationToken stopping)
    {
        var lines = text.Split('\n');
        var reply = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            reply.Append(code).Append(i == lines.Length - 1 ? ' ' : '-').Append(lines[i].TrimEnd('\r')).Append("\r\n");
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(reply.ToString()), stopping);
        await _stream.FlushAsync(stopping);
    }
}
