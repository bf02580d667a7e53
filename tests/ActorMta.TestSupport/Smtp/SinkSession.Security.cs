using System.Net.Security;
using System.Text;

namespace ActorMta.TestSupport.Smtp;

/// <summary>STARTTLS and AUTH PLAIN / LOGIN.</summary>
internal sealed partial class SinkSession
{
    private async Task StartTlsAsync(string argument, CancellationToken stopping)
    {
        if (!_options.StartTls || _tls is not null)
        {
            await ReplyAsync(_tls is null ? 502 : 503, _tls is null ? "5.5.1 STARTTLS not offered" : "5.5.1 TLS already active", stopping);
            return;
        }

        if (argument.Length > 0)
        {
            await ReplyAsync(501, "5.5.4 STARTTLS takes no argument", stopping);
            return;
        }

        await ReplyAsync(220, "2.0.0 Ready to start TLS", stopping);
        _tls = new SslStream(_network, leaveInnerStreamOpen: false);
        await _tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions { ServerCertificate = _sink.Certificate, ClientCertificateRequired = false },
            stopping);
        _stream = _tls;

        // A fresh reader discards anything pipelined after STARTTLS in plaintext (RFC 3207 5), and the session starts over.
        _reader = new SinkLineReader(_tls, _options.MaxLineLength);
        _heloName = null;
        _authenticatedUser = null;
        ResetTransaction();
    }

    private async Task AuthenticateAsync(string argument, CancellationToken stopping)
    {
        if (_options.Credentials is not { } credentials || !_extended)
        {
            await ReplyAsync(502, "5.5.1 AUTH not offered", stopping);
            return;
        }

        if (_authenticatedUser is not null || _reversePath is not null)
        {
            await ReplyAsync(503, "5.5.1 AUTH not allowed now", stopping);
            return;
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        var initial = parts.Length > 1 ? parts[1] : null;
        (string User, string Password)? offered;
        try
        {
            offered = mechanism switch
            {
                "PLAIN" => await PlainAsync(initial, stopping),
                "LOGIN" => await LoginAsync(initial, stopping),
                _ => throw new NotSupportedException(),
            };
        }
        catch (NotSupportedException)
        {
            await ReplyAsync(504, "5.5.4 Unrecognized authentication type", stopping);
            return;
        }
        catch (FormatException)
        {
            await ReplyAsync(501, "5.5.2 Cannot decode response", stopping);
            return;
        }

        if (offered is null)
        {
            await ReplyAsync(501, "5.0.0 Authentication cancelled", stopping);
            return;
        }

        if (offered.Value.User != credentials.UserName || offered.Value.Password != credentials.Password)
        {
            await ReplyAsync(535, "5.7.8 Authentication credentials invalid", stopping);
            return;
        }

        _authenticatedUser = offered.Value.User;
        await ReplyAsync(235, "2.7.0 Authentication successful", stopping);
    }

    private async Task<(string User, string Password)?> PlainAsync(string? initial, CancellationToken stopping)
    {
        var response = initial ?? await ChallengeAsync("", stopping);
        if (response is null)
        {
            return null;
        }

        // authzid NUL authcid NUL passwd (RFC 4616)
        var fields = Decode(response == "=" ? "" : response).Split('\0');
        return fields.Length == 3 ? (fields[1], fields[2]) : throw new FormatException("PLAIN needs three fields.");
    }

    private async Task<(string User, string Password)?> LoginAsync(string? initial, CancellationToken stopping)
    {
        var user = initial ?? await ChallengeAsync("VXNlcm5hbWU6", stopping);
        if (user is null)
        {
            return null;
        }

        var password = await ChallengeAsync("UGFzc3dvcmQ6", stopping);
        return password is null ? null : (Decode(user), Decode(password));
    }

    /// <summary>Sends a 334 challenge; the client's answer, or null when it cancelled with "*" or left.</summary>
    private async Task<string?> ChallengeAsync(string challenge, CancellationToken stopping)
    {
        await ReplyAsync(334, challenge, stopping);
        var line = await ReadLineAsync(stopping);
        if (line is null)
        {
            _closing = true;
            return null;
        }

        var answer = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
        _sink.RecordCommand(new SinkCommand(_connectionNumber, answer, DateTimeOffset.UtcNow));
        return answer == "*" ? null : answer;
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
