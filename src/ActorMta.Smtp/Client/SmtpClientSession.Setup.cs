using System.Net;
using System.Net.Security;
using System.Text;

namespace ActorMta.Smtp.Client;

/// <summary>Getting the session ready for MAIL: greeting, EHLO/HELO, STARTTLS, AUTH.</summary>
public sealed partial class SmtpClientSession
{
    // Opportunistic TLS takes any certificate: an unchecked encrypted channel still beats clear text (RFC 7435).
    private static readonly RemoteCertificateValidationCallback AcceptAnyCertificate = static (_, _, _, _) => true;

    private async Task SetUpAsync(string serverName, CancellationToken cancellation)
    {
        var timeouts = _options.Timeouts;
        if (_options.Tls == TlsPolicy.Implicit) await _connection.StartTlsAsync(TlsOptions(serverName), timeouts.Command, cancellation).ConfigureAwait(false);

        _greeting = await ReadAsync(SessionStage.Greeting, timeouts.Greeting, "the connection (greeting)", cancellation).ConfigureAwait(false);
        if (_greeting.Code != 220) throw Refused(SessionStage.Greeting, "the server refused the session", _greeting);

        await HelloAsync(cancellation).ConfigureAwait(false);
        if (await StartTlsAsync(serverName, cancellation).ConfigureAwait(false)) await HelloAsync(cancellation).ConfigureAwait(false);
        if (_options.Credentials is { } credentials) await AuthenticateAsync(credentials, cancellation).ConfigureAwait(false);
    }

    /// <summary>EHLO; a server that does not know it (5yz, RFC 5321 3.2) gets HELO and is used without extensions.</summary>
    private async Task HelloAsync(CancellationToken cancellation)
    {
        ClientCommands.Ehlo(_connection.Output, _options.HeloName);
        var reply = await CommandAsync(SessionStage.Ehlo, "EHLO", cancellation).ConfigureAwait(false);
        if (reply.IsPositiveCompletion)
        {
            Extensions = ServerExtensions.Parse(reply);
            HelloName = FirstWord(reply);
            return;
        }
        if (!reply.IsPermanentFailure) throw Refused(SessionStage.Ehlo, "EHLO refused", reply);

        ClientCommands.Helo(_connection.Output, _options.HeloName);
        reply = await CommandAsync(SessionStage.Ehlo, "HELO", cancellation).ConfigureAwait(false);
        if (!reply.IsPositiveCompletion) throw Refused(SessionStage.Ehlo, "HELO refused (after EHLO was not recognized)", reply);
        Extensions = ServerExtensions.None;
        HelloName = FirstWord(reply);
    }

    /// <summary>STARTTLS as the policy says; true when the connection is now TLS and wants a new EHLO.</summary>
    private async Task<bool> StartTlsAsync(string serverName, CancellationToken cancellation)
    {
        var policy = _options.Tls;
        if (policy is TlsPolicy.None or TlsPolicy.Implicit) return false;
        if (!Extensions.StartTls)
        {
            return policy == TlsPolicy.Required
                ? throw new SmtpClientException(SessionStage.StartTls, "TLS is required for this route, but the server does not offer STARTTLS")
                : false;
        }

        ClientCommands.StartTls(_connection.Output);
        var reply = await CommandAsync(SessionStage.StartTls, "STARTTLS", cancellation).ConfigureAwait(false);
        if (reply.Code != 220)
        {
            // Opportunistic: the connection is still in step, so carry on in clear text (RFC 3207 4.1).
            if (policy == TlsPolicy.Required || reply.Code == 421) throw Refused(SessionStage.StartTls, "STARTTLS refused", reply, permanent: false);
            return false;
        }

        await _connection.StartTlsAsync(TlsOptions(serverName), _options.Timeouts.Command, cancellation).ConfigureAwait(false);
        return true;
    }

    private SslClientAuthenticationOptions TlsOptions(string serverName) => new()
    {
        TargetHost = serverName, // SNI, and the name the certificate must carry when checked
        RemoteCertificateValidationCallback = _options.CertificateValidation ?? (_options.ValidateCertificate ? null : AcceptAnyCertificate),
    };

    /// <summary>AUTH PLAIN (preferred) or LOGIN (RFC 4954), only inside TLS.</summary>
    private async Task AuthenticateAsync(NetworkCredential credentials, CancellationToken cancellation)
    {
        if (!IsTls) throw new SmtpClientException(SessionStage.Auth, "refusing to send credentials over a connection without TLS", isPermanent: true);

        var output = _connection.Output;
        SmtpReply reply;
        if (Extensions.OffersAuth("PLAIN"))
        {
            var response = Base64($"\0{credentials.UserName}\0{credentials.Password}"); // RFC 4616: authzid NUL authcid NUL passwd
            ClientCommands.Auth(output, "PLAIN", response);
            reply = await CommandAsync(SessionStage.Auth, "AUTH PLAIN", cancellation).ConfigureAwait(false);
            if (reply.Code == 334)
            {
                // The server ignored the initial response and asks for it (RFC 4954 4).
                ClientCommands.SaslResponse(_connection.Output, response);
                reply = await CommandAsync(SessionStage.Auth, "the AUTH PLAIN response", cancellation).ConfigureAwait(false);
            }
        }
        else if (Extensions.OffersAuth("LOGIN"))
        {
            ClientCommands.Auth(output, "LOGIN", null);
            reply = await CommandAsync(SessionStage.Auth, "AUTH LOGIN", cancellation).ConfigureAwait(false);
            if (reply.Code == 334)
            {
                ClientCommands.SaslResponse(_connection.Output, Base64(credentials.UserName));
                reply = await CommandAsync(SessionStage.Auth, "the AUTH LOGIN user name", cancellation).ConfigureAwait(false);
            }
            if (reply.Code == 334)
            {
                ClientCommands.SaslResponse(_connection.Output, Base64(credentials.Password));
                reply = await CommandAsync(SessionStage.Auth, "the AUTH LOGIN password", cancellation).ConfigureAwait(false);
            }
        }
        else
        {
            var offered = Extensions.AuthMechanisms.Count == 0 ? "no AUTH at all" : string.Join(' ', Extensions.AuthMechanisms);
            throw new SmtpClientException(SessionStage.Auth, $"the server offers no AUTH PLAIN or LOGIN ({offered})", isPermanent: true);
        }

        if (reply.Code == 235) return;
        if (reply.Code == 334)
        {
            // A challenge after all our responses: cancel the exchange (RFC 4954 4) and give up.
            ClientCommands.SaslResponse(_connection.Output, "*");
            await CommandAsync(SessionStage.Auth, "the AUTH cancellation", cancellation).ConfigureAwait(false);
            throw new SmtpClientException(SessionStage.Auth, $"unexpected AUTH challenge: {reply}", reply, isPermanent: true);
        }
        // 535 5.7.8 bad credentials and other 5yz: permanent; 454 4.7.0 and other 4yz: try later.
        throw Refused(SessionStage.Auth, "authentication failed", reply);
    }

    /// <summary>Sends what was written and reads the reply, within the command timeout.</summary>
    private async ValueTask<SmtpReply> CommandAsync(SessionStage stage, string command, CancellationToken cancellation)
    {
        await FlushAsync(stage, _options.Timeouts.Command, command, cancellation).ConfigureAwait(false);
        return await ReadAsync(stage, _options.Timeouts.Command, command, cancellation).ConfigureAwait(false);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
