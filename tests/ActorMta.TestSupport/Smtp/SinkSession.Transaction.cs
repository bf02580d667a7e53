using System.Text;

namespace ActorMta.TestSupport.Smtp;

/// <summary>The mail transaction: MAIL, RCPT, DATA with dot-unstuffing, BDAT chunks, RSET.</summary>
internal sealed partial class SinkSession
{
    private readonly List<SinkRecipient> _recipients = [];
    private string? _reversePath;
    private IReadOnlyList<string> _mailParameters = [];
    private MemoryStream? _chunks;

    private async Task MailFromAsync(string argument, CancellationToken stopping)
    {
        if (_heloName is null)
        {
            await ReplyAsync(503, "5.5.1 Send EHLO or HELO first", stopping);
            return;
        }

        if (_reversePath is not null)
        {
            await ReplyAsync(503, "5.5.1 Nested MAIL command", stopping);
            return;
        }

        if (!TryParsePath(argument, "FROM:", out var reversePath, out var parameters))
        {
            await ReplyAsync(501, "5.5.4 Syntax: MAIL FROM:<address> [parameters]", stopping);
            return;
        }

        var declaredSize = parameters.FirstOrDefault(p => p.StartsWith("SIZE=", StringComparison.OrdinalIgnoreCase));
        if (_options.MaxMessageSize is { } limit && declaredSize is not null
            && long.TryParse(declaredSize.AsSpan(5), out var size) && size > limit)
        {
            await ReplyAsync(552, $"5.3.4 Message size exceeds fixed limit of {limit} bytes", stopping);
            return;
        }

        if (await AnswerAsync(SinkStage.MailFrom, reversePath, new SinkReply(250, "2.1.0 Sender OK", false), stopping))
        {
            _reversePath = reversePath;
            _mailParameters = parameters;
        }
    }

    private async Task RecipientAsync(string argument, CancellationToken stopping)
    {
        if (_reversePath is null)
        {
            await ReplyAsync(503, "5.5.1 Need MAIL before RCPT", stopping);
            return;
        }

        if (!TryParsePath(argument, "TO:", out var recipient, out var parameters) || recipient.Length == 0)
        {
            await ReplyAsync(501, "5.5.4 Syntax: RCPT TO:<address> [parameters]", stopping);
            return;
        }

        if (await AnswerAsync(SinkStage.Recipient, recipient, new SinkReply(250, "2.1.5 Recipient OK", false), stopping))
        {
            _recipients.Add(new SinkRecipient(recipient, parameters));
        }
    }

    /// <summary>Sends the scripted reply for this point if there is one, else <paramref name="normal"/>; true when it was 2xx.</summary>
    private async Task<bool> AnswerAsync(SinkStage stage, string argument, SinkReply normal, CancellationToken stopping)
    {
        var reply = Scripted(stage, argument) ?? normal;
        await ReplyAsync(reply, stopping);
        return reply.Code is >= 200 and < 300;
    }

    private async Task DataAsync(CancellationToken stopping)
    {
        if (!await MayStartContentAsync(stopping))
        {
            return;
        }

        await ReplyAsync(354, "Start mail input; end with <CRLF>.<CRLF>", stopping);
        using var body = new MemoryStream();

        // Lines are CRLF-terminated; a bare LF is content. Only "." on a line of its own after a CRLF ends the
        // message (so CRLF.LF or LF.CRLF cannot smuggle a second message), and only such a line is dot-unstuffed.
        var atLineStart = true;
        while (true)
        {
            var line = await ReadLineAsync(stopping);
            if (line is null)
            {
                _closing = true;
                return;
            }

            if (atLineStart && line is [(byte)'.', (byte)'\r', (byte)'\n'])
            {
                break;
            }

            var unstuffed = atLineStart && line is [(byte)'.', _, ..] ? line.AsSpan(1) : line.AsSpan();
            body.Write(unstuffed);
            atLineStart = line is [.., (byte)'\r', (byte)'\n'];
        }

        await CompleteMessageAsync(body.ToArray(), chunked: false, stopping);
    }

    private async Task ChunkAsync(string argument, CancellationToken stopping)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var last = parts.Length == 2 && parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase);
        if (!_options.Chunking)
        {
            await ReplyAsync(502, "5.5.1 CHUNKING not offered", stopping);
            return;
        }

        if (parts.Length is 0 or > 2 || (parts.Length == 2 && !last) || !int.TryParse(parts[0], out var size) || size < 0)
        {
            // The chunk length is unknown, so the rest of the stream cannot be framed: close.
            await ReplyAsync(501, "5.5.4 Syntax: BDAT <size> [LAST]", stopping);
            _closing = true;
            return;
        }

        var chunk = await _reader.ReadExactlyAsync(size, stopping);
        if (chunk is null)
        {
            _closing = true;
            return;
        }

        if (_chunks is null)
        {
            if (!await MayStartContentAsync(stopping))
            {
                return;
            }

            _chunks = new MemoryStream();
        }

        _chunks.Write(chunk);
        if (!last)
        {
            await ReplyAsync(250, $"2.0.0 {size} octets received", stopping);
            return;
        }

        var body = _chunks.ToArray();
        await CompleteMessageAsync(body, chunked: true, stopping);
    }

    /// <summary>Checks that DATA or the first BDAT may begin, answering the refusal when it may not.</summary>
    private async Task<bool> MayStartContentAsync(CancellationToken stopping)
    {
        if (_reversePath is null || _recipients.Count == 0)
        {
            await ReplyAsync(_reversePath is null ? 503 : 554, "5.5.1 No valid recipients", stopping);
            return false;
        }

        if (Scripted(SinkStage.Data, "") is { } reply && reply.Code >= 400)
        {
            await ReplyAsync(reply, stopping);
            ResetTransaction();
            return false;
        }

        return true;
    }

    private async Task CompleteMessageAsync(byte[] body, bool chunked, CancellationToken stopping)
    {
        var tooLarge = _options.MaxMessageSize is { } limit && body.Length > limit;
        var scripted = tooLarge ? null : Scripted(SinkStage.EndOfMessage, _reversePath ?? "");
        var number = _sink.NextMessageNumber();
        var reply = tooLarge ? new SinkReply(552, "5.3.4 Message too big", CloseConnection: false)
            : scripted ?? new SinkReply(250, $"2.0.0 OK: queued as {number}", CloseConnection: false);

        // Recorded before the reply goes out, so a client that has read the reply always finds the message here.
        _sink.RecordMessage(new ReceivedMessage
        {
            Number = number,
            ConnectionNumber = _connectionNumber,
            ReversePath = _reversePath ?? "",
            MailParameters = _mailParameters,
            Recipients = [.. _recipients],
            Body = body,
            Chunked = chunked,
            Tls = _tls is not null,
            TlsProtocol = _tls?.SslProtocol ?? System.Security.Authentication.SslProtocols.None,
            AuthenticatedUser = _authenticatedUser,
            HeloName = _heloName,
            RemoteEndPoint = _remoteEndPoint,
            LocalEndPoint = _localEndPoint,
            ConnectedAt = _connectedAt,
            ReceivedAt = DateTimeOffset.UtcNow,
            ReplyCode = reply.Code,
            ReplyText = reply.Text,
        });
        ResetTransaction();
        await ReplyAsync(reply, stopping);
    }

    private async Task ResetAsync(CancellationToken stopping)
    {
        ResetTransaction();
        await ReplyAsync(250, "2.0.0 OK", stopping);
    }

    private void ResetTransaction()
    {
        _reversePath = null;
        _mailParameters = [];
        _recipients.Clear();
        _chunks?.Dispose();
        _chunks = null;
    }

    /// <summary>Parses "FROM:&lt;path&gt; PARAM=VALUE ..." (the keyword is given with its colon).</summary>
    private static bool TryParsePath(string argument, string keyword, out string path, out IReadOnlyList<string> parameters)
    {
        path = "";
        parameters = [];
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = argument[keyword.Length..].TrimStart();
        var close = rest.IndexOf('>');
        if (!rest.StartsWith('<') || close < 0)
        {
            return false;
        }

        path = rest[1..close];
        parameters = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }
}
