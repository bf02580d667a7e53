using System.Net.Sockets;
using ActorMta.Smtp.Server;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// One SMTP connection: owns the RFC 5321 state machine, the policy checks and the limits of one
/// client. Its <see cref="SmtpConnection"/> does the socket I/O; the actor asks it for one unit of
/// input at a time (a command line, a DATA body, a BDAT chunk, a TLS handshake) and gets the outcome
/// back as a message, so a command is always handled in the state its predecessors left.
/// </summary>
/// <remarks>
/// Never crashes the node: every end, orderly or not, closes the socket (PostStop) and logs one line.
/// After the end of data the message goes to the queue's intake; 250 follows only once it is durable.
/// An untyped actor with <see cref="SessionMailbox"/>: a thousand idle sessions should cost little,
/// and a ReceiveActor builds its handler delegates anew for every instance.
/// </remarks>
public sealed partial class SessionActor : UntypedActor
{
    /// <summary>Node shutdown: 421 now if the session waits for a command, else as soon as its current transaction is answered.</summary>
    public sealed record EndSession
    {
        public static readonly EndSession Instance = new();
    }

    private enum Phase { Starting, Command, AuthExchange, Verifying, CheckingRecipient, Data, Chunk, SkipChunk, Tls, Queue, Closing }

    private readonly SessionSetup _setup;
    private readonly IActorRef _queue;
    private readonly string _sessionId;
    private readonly SmtpConnection _connection;
    private readonly SmtpLineReader _lines;
    private readonly ILoggingAdapter _log;
    private readonly long _startedAt;
    private readonly bool _trusted;
    private Phase _phase = Phase.Starting;
    private bool _operationRunning;
    private Task? _operation;
    private bool _ending;
    private bool _greeted;
    private string _endReason = "session failed";
    private int _errors;
    private int _commands;
    private int _accepted;
    private int _refused;
    private long _endOfDataAt;

    /// <param name="log">The listener's logger, shared: a logger per actor is an object and a path string per connection.</param>
    public SessionActor(SessionSetup setup, Socket socket, IActorRef queue, string sessionId, ILoggingAdapter log)
    {
        _setup = setup;
        _log = log;
        _queue = queue;
        _sessionId = sessionId;
        try
        {
            _connection = new SmtpConnection(socket, setup.Clock);
        }
        catch
        {
            socket.Dispose(); // the client went away before the session began; PostStop will not run
            throw;
        }
        _lines = new SmtpLineReader(setup.SmtpLimits.MaxCommandLineLength);
        _startedAt = setup.Clock.GetTimestamp();
        _trusted = setup.Policy.IsTrusted(_connection.ClientAddress);
        IngressMetrics.SessionOpened(); // closed in PostStop, which runs for every actor that was constructed
    }

    /// <param name="mailbox">Null: the actor system's default mailbox and dispatcher (tests that configure neither <see cref="SessionMailbox"/> nor <see cref="SessionDispatcher"/>).</param>
    public static Props Props(SessionSetup setup, Socket socket, IActorRef queue, string sessionId, ILoggingAdapter log, string? mailbox = SessionMailbox.ConfigPath)
    {
        var props = Akka.Actor.Props.Create(() => new SessionActor(setup, socket, queue, sessionId, log));
        return mailbox is null ? props : props.WithMailbox(mailbox).WithDispatcher(SessionDispatcher.ConfigPath);
    }

    protected override void OnReceive(object message)
    {
        // Every connection event ends the operation that was running.
        if (message is ConnectionEvent or Status.Failure) _operationRunning = false;
        switch (message)
        {
            case LineRead read:
                OnLine(read);
                break;
            case InputComplete:
                OnInputComplete();
                break;
            case StayedSilent:
                Greet();
                break;
            case SpokeFirst:
                Fail(SessionReplies.TalkedBeforeGreeting, "client spoke before the greeting");
                break;
            case TlsEstablished tls:
                OnTlsEstablished(tls);
                break;
            case Closed:
                Context.Stop(Self);
                break;
            case ClientClosed:
                Abort("client disconnected");
                break;
            case IoFailed failed:
                Abort($"connection error: {failed.Reason}");
                break;
            case TimedOut:
                OnTimeout();
                break;
            case Interrupted:
                Fail(_setup.Replies.ShuttingDown, "node shutting down");
                break;
            case Status.Failure failure:
                Abort($"internal error: {failure.Cause.GetBaseException().Message}");
                break;
            case QueueAnswered answered:
                OnQueueAnswered(answered);
                break;
            case AuthChecked check:
                OnAuthChecked(check);
                break;
            case RecipientChecked check:
                OnRecipientChecked(check);
                break;
            case AuthRefusedLate:
                Refuse(SessionReplies.AuthPenalised);
                break;
            case EndSession:
                OnEndSession();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private bool MayRelay => _trusted || _authenticatedUser is not null;

    protected override void PreStart()
    {
        if (_setup.Listener.ImplicitTls)
        {
            _phase = Phase.Tls;
            Run(_connection.StartTlsAsync(_setup.Certificate.ServerOptions, _setup.Timeouts.Greeting));
        }
        else if (_setup.Listener.PregreetWait > TimeSpan.Zero && !_trusted)
        {
            Run(_connection.WaitForSilenceAsync(_setup.Listener.PregreetWait));
        }
        else
        {
            Greet();
        }
    }

    protected override void PostStop()
    {
        IngressMetrics.SessionClosed();
        _delayedAuthAnswer?.Cancel();
        _connection.Dispose();
        // A read still running may be writing into the body (pooled segments, a spool file): clear it once that read ends.
        if (!_operationRunning) _body?.Clear();
        else if (_body is { } body) _operation?.ContinueWith(_ => body.Clear(), TaskScheduler.Default);
        var seconds = _setup.Clock.GetElapsedTime(_startedAt).TotalSeconds;
        var tls = _tlsProtocol is null ? "" : $"; {_tlsProtocol} {_tlsCipher}";
        var auth = _authenticatedUser is null ? "" : $"; authenticated as {_authenticatedUser}";
        _log.Info($"smtp {_setup.Listener.Name} session {_sessionId} from {_connection.ClientAddress} ended: {_endReason}; "
            + $"{_accepted} accepted, {_refused} refused{tls}{auth}; {seconds:0.###}s");
    }

    private void Greet()
    {
        _greeted = true;
        _connection.Write(_setup.Replies.Greeting);
        ReadCommand(_setup.Timeouts.Greeting);
    }

    /// <summary>Waits for the next command, unless the error limit or a session cap is reached or the node is shutting down.</summary>
    private void NextCommand()
    {
        if (_errors >= _setup.Limits.MaxErrors)
            Fail(_setup.Replies.TooManyErrors, $"{_errors} errors");
        else if (_commands >= _setup.Caps.MaxCommands)
            Capped(_setup.Replies.TooManyCommands, $"{_commands} commands");
        else
            ReadCommand(_setup.Timeouts.Command);
    }

    /// <summary>A session cap reached: counted, then the last reply and close.</summary>
    private void Capped(SmtpReply reply, string reason)
    {
        IngressMetrics.SessionsCapped.Add(1);
        Fail(reply, reason);
    }

    /// <summary>What is left of the session's lifetime (max-session-duration).</summary>
    private TimeSpan LifetimeLeft => _setup.Caps.MaxDuration - _setup.Clock.GetElapsedTime(_startedAt);

    private void ReadCommand(TimeSpan timeout)
    {
        if (_ending)
        {
            Fail(_setup.Replies.ShuttingDown, "node shutting down");
            return;
        }
        var lifetimeLeft = LifetimeLeft;
        if (lifetimeLeft <= TimeSpan.Zero)
        {
            Capped(_setup.Replies.SessionTooLong, "session time limit");
            return;
        }
        _phase = Phase.Command;
        _lines.MaxLineLength = _setup.SmtpLimits.MaxCommandLineLength;
        // An idle client is ended when its lifetime is up, not only at its next command.
        Run(_connection.ReadLineAsync(_lines, lifetimeLeft < timeout ? lifetimeLeft : timeout));
    }

    /// <summary>Answers with an error (4yz/5yz) that counts toward the error limit, then waits for the next command.</summary>
    private void Refuse(SmtpReply reply)
    {
        _connection.Write(reply);
        _errors++;
        NextCommand();
    }

    private void Reply(SmtpReply reply)
    {
        _connection.Write(reply);
        NextCommand();
    }

    /// <summary>Sends a last reply and closes.</summary>
    private void Fail(SmtpReply reply, string reason)
    {
        _connection.Write(reply);
        Close(reason);
    }

    private void Close(string reason)
    {
        _endReason = reason;
        _phase = Phase.Closing;
        Run(_connection.CloseAsync(_setup.CloseTimeout));
    }

    /// <summary>Ends at once: the connection is broken or gone, there is no one to answer.</summary>
    private void Abort(string reason)
    {
        _endReason = reason;
        _connection.Dispose();
        Context.Stop(Self);
    }

    private void OnTimeout()
    {
        if (_phase == Phase.Tls) Abort("TLS handshake timed out");
        else if (_phase == Phase.Command && LifetimeLeft <= TimeSpan.Zero) Capped(_setup.Replies.SessionTooLong, "session time limit");
        else Fail(_setup.Replies.Timeout, $"timeout ({PhaseName})");
    }

    private void OnEndSession()
    {
        _ending = true;
        if (_phase is Phase.Command or Phase.AuthExchange or Phase.Starting) _connection.Interrupt();
    }

    private string PhaseName => _phase switch
    {
        Phase.Starting => "before the greeting",
        Phase.Command => "waiting for a command",
        Phase.AuthExchange => "during AUTH",
        Phase.Data or Phase.Chunk or Phase.SkipChunk => "reading message data",
        _ => _phase.ToString(),
    };

    private void Run(Task<ConnectionEvent> operation)
    {
        _operationRunning = true;
        _operation = operation;
        operation.PipeTo(Self);
    }
}
