using System.Text;
using ActorMta.Ingress.Auth;
using ActorMta.Smtp.Server;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Ingress.Sessions;

/// <summary>STARTTLS (RFC 3207) and AUTH PLAIN / LOGIN (RFC 4954), offered only under TLS.</summary>
public sealed partial class SessionActor
{
    private enum AuthStep { PlainResponse, LoginUser, LoginPassword }

    /// <summary>The credential store's verdict; null: not checked, the node runs as many checks as it allows.</summary>
    private sealed record AuthChecked(string User, bool? Valid);

    /// <summary>A penalised client's AUTH, answered 454 once the failure delay has passed.</summary>
    private sealed record AuthRefusedLate
    {
        public static readonly AuthRefusedLate Instance = new();
    }

    private string? _tlsProtocol;
    private string? _tlsCipher;
    private string? _authenticatedUser;
    private int _authFailures;
    private AuthStep _authStep;
    private string _loginUser = "";
    private ICancelable? _delayedAuthAnswer;

    private void StartTls()
    {
        if (_connection.IsTls)
        {
            Refuse(SessionReplies.TlsAlreadyActive);
            return;
        }
        if ((_offered & SmtpExtensions.StartTls) == 0)
        {
            Refuse(SmtpReplies.SendEhloFirst);
            return;
        }
        _connection.Write(SmtpReplies.ReadyToStartTls);
        _phase = Phase.Tls;
        Run(_connection.StartTlsAsync(_setup.Certificate.ServerOptions, _setup.Timeouts.Command));
    }

    private void OnTlsEstablished(TlsEstablished tls)
    {
        (_tlsProtocol, _tlsCipher) = (tls.Protocol, tls.Cipher);
        if (!_greeted)
        {
            Greet(); // smtps: TLS came first, now the greeting
            return;
        }
        if (tls.DiscardedOctets > 0)
            _log.Warning("smtp {0} session {1} from {2}: dropped {3} octets sent in clear text after STARTTLS",
                _setup.Listener.Name, _sessionId, _connection.ClientAddress, tls.DiscardedOctets);
        // RFC 3207 4.2: forget everything learnt before TLS; the client starts with EHLO again.
        ResetTransaction();
        Advance(SmtpVerb.StartTls);
        _offered = SmtpExtensions.None;
        _heloName = null;
        _extendedHello = false;
        _lines.Reset();
        ReadCommand(_setup.Timeouts.Command);
    }

    private void Authenticate(SmtpCommand command)
    {
        if (_authenticatedUser is not null)
        {
            Refuse(SessionReplies.AlreadyAuthenticated);
            return;
        }
        if (!_connection.IsTls)
        {
            Refuse(SessionReplies.EncryptionRequired);
            return;
        }
        if ((_offered & SmtpExtensions.Auth) == 0)
        {
            Refuse(SmtpReplies.SendEhloFirst);
            return;
        }
        if (_setup.AuthFailures.RefusesAuth(_connection.ClientAddress))
        {
            // No password check for a client that used up its guesses (on any connection): refused, and late.
            _phase = Phase.Verifying;
            if (_setup.AuthFailureDelay <= TimeSpan.Zero) Refuse(SessionReplies.AuthPenalised);
            else _delayedAuthAnswer = Context.System.Scheduler.ScheduleTellOnceCancelable(_setup.AuthFailureDelay, Self, AuthRefusedLate.Instance, Self);
            return;
        }
        var mechanism = Encoding.ASCII.GetString(command.Argument).ToUpperInvariant();
        var initial = command.HasInitialResponse ? command.InitialResponse.ToArray() : null;
        switch (mechanism)
        {
            case "PLAIN" when initial is null:
                _connection.Write(SessionReplies.EmptyChallenge);
                ReadAuthResponse(AuthStep.PlainResponse);
                break;
            case "PLAIN":
                OnAuthResponse(AuthStep.PlainResponse, initial);
                break;
            case "LOGIN" when initial is null:
                _connection.Write(SessionReplies.UsernameChallenge);
                ReadAuthResponse(AuthStep.LoginUser);
                break;
            case "LOGIN":
                OnAuthResponse(AuthStep.LoginUser, initial);
                break;
            default:
                Refuse(SessionReplies.UnknownMechanism);
                break;
        }
    }

    private void ReadAuthResponse(AuthStep step)
    {
        _authStep = step;
        _phase = Phase.AuthExchange;
        _lines.MaxLineLength = _setup.SmtpLimits.AuthLineLength;
        Run(_connection.ReadLineAsync(_lines, _setup.Timeouts.Command));
    }

    private void OnAuthResponse(AuthStep step, byte[] response)
    {
        if (SaslResponse.IsCancel(response))
        {
            Refuse(SessionReplies.AuthAborted);
            return;
        }
        if (!SaslResponse.TryDecode(response, out var text))
        {
            Refuse(SessionReplies.CannotDecode);
            return;
        }
        switch (step)
        {
            case AuthStep.PlainResponse when SaslResponse.TryParsePlain(text, out var authorizationId, out var user, out var password):
                // No acting for another user (proxy authorization): an authzid other than one's own fails like a wrong password.
                if (authorizationId.Length > 0 && authorizationId != user) OnAuthChecked(new AuthChecked(user, Valid: false));
                else Verify(user, password);
                break;
            case AuthStep.PlainResponse:
                Refuse(SessionReplies.CannotDecode);
                break;
            case AuthStep.LoginUser:
                _loginUser = text;
                _connection.Write(SessionReplies.PasswordChallenge);
                ReadAuthResponse(AuthStep.LoginPassword);
                break;
            case AuthStep.LoginPassword:
                Verify(_loginUser, text);
                break;
        }
    }

    /// <summary>PBKDF2 is slow on purpose: it runs on the thread pool within the node's bound, never on the actor's thread.</summary>
    private void Verify(string user, string password)
    {
        _phase = Phase.Verifying;
        _setup.Credentials.VerifyAsync(user, password)
            .PipeTo(Self, success: valid => new AuthChecked(user, valid), failure: _ => new AuthChecked(user, false));
    }

    private void OnAuthChecked(AuthChecked check)
    {
        switch (check.Valid)
        {
            case null:
                Refuse(SessionReplies.AuthBusy); // not the client's failure: nothing was checked
                return;
            case true:
                _authenticatedUser = check.User;
                Reply(SessionReplies.AuthSucceeded);
                return;
        }
        _authFailures++;
        // Counted for the client across its connections: reconnecting buys no fresh guesses.
        var penalised = _setup.AuthFailures.RecordFailure(_connection.ClientAddress);
        if (penalised || _authFailures >= _setup.MaxAuthFailures)
        {
            _connection.Write(SessionReplies.AuthFailed);
            Fail(_setup.Replies.TooManyAuthFailures, $"{_authFailures} failed AUTH attempts{(penalised ? ", client penalised" : "")}");
            return;
        }
        Refuse(SessionReplies.AuthFailed);
    }
}
