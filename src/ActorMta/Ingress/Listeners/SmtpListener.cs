using System.Net;
using System.Net.Sockets;
using ActorMta.Smtp.Server;
using ActorMta.Ingress.Sessions;
using ActorMta.Smtp;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Ingress.Listeners;

/// <summary>
/// One listening socket: accepts connections one after another, admits each against the
/// connection limits and gives it a <see cref="SessionActor"/> child, or turns it away with 421.
/// A session that fails is stopped, never restarted (its socket is gone with it).
/// </summary>
public sealed class SmtpListener : ReceiveActor, IWithTimers
{
    /// <summary>Close the listening socket (CoordinatedShutdown's service-unbind); answered with <see cref="Done"/>.</summary>
    public sealed record StopAccepting
    {
        public static readonly StopAccepting Instance = new();
    }

    /// <summary>End every session (421 when idle); answered with <see cref="Done"/> once all have stopped.</summary>
    public sealed record EndSessions
    {
        public static readonly EndSessions Instance = new();
    }

    private sealed record Accepted(Socket Socket);

    private sealed record AcceptFailed(string Reason);

    private sealed record AcceptAgain
    {
        public static readonly AcceptAgain Instance = new();
    }

    private static long _lastSessionNumber;

    private readonly SessionSetup _setup;
    private readonly Socket _listenSocket;
    private readonly ConnectionLimiter _limiter;
    private readonly TurnAway _turnAway;
    private readonly IActorRef _queue;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ILoggingAdapter _sessionLog;
    private readonly Dictionary<IActorRef, IPAddress> _sessions = [];
    private readonly List<IActorRef> _waitingForEnd = [];
    private bool _stopped;

    public ITimerScheduler Timers { get; set; } = null!;

    public SmtpListener(SessionSetup setup, Socket listenSocket, ConnectionLimiter limiter, TurnAway turnAway, IActorRef queue)
    {
        _setup = setup;
        _listenSocket = listenSocket;
        _limiter = limiter;
        _turnAway = turnAway;
        _queue = queue;
        _sessionLog = Logging.GetLogger(Context.System, $"smtp-{setup.Listener.Name}");

        Receive<Accepted>(accepted =>
        {
            if (_stopped) accepted.Socket.Dispose();
            else Admit(accepted.Socket);
            Accept();
        });
        Receive<AcceptFailed>(failed =>
        {
            if (_stopped) return;
            // Out of file descriptors and the like: try again shortly rather than spin.
            _log.Warning("smtp {0}: accept failed: {1}", _setup.Listener.Name, failed.Reason);
            Timers.StartSingleTimer("accept", AcceptAgain.Instance, TimeSpan.FromMilliseconds(100));
        });
        Receive<AcceptAgain>(_ => Accept());
        Receive<StopAccepting>(_ =>
        {
            CloseListenSocket();
            Sender.Tell(Done.Instance);
        });
        Receive<EndSessions>(_ =>
        {
            CloseListenSocket();
            _waitingForEnd.Add(Sender);
            foreach (var session in _sessions.Keys) session.Tell(SessionActor.EndSession.Instance);
            AnswerIfAllEnded();
        });
        Receive<Terminated>(terminated =>
        {
            if (_sessions.Remove(terminated.ActorRef, out var client)) _limiter.Release(client);
            AnswerIfAllEnded();
        });
    }

    public static Props Props(SessionSetup setup, Socket listenSocket, ConnectionLimiter limiter, TurnAway turnAway, IActorRef queue) =>
        Akka.Actor.Props.Create(() => new SmtpListener(setup, listenSocket, limiter, turnAway, queue));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _log.Info("smtp {0} ({1}) listening on {2}", _setup.Listener.Name, _setup.Listener.Role.ToString().ToLowerInvariant(), _listenSocket.LocalEndPoint);
        Accept();
    }

    protected override void PostStop() => CloseListenSocket();

    private void Accept()
    {
        if (_stopped) return;
        _listenSocket.AcceptAsync().PipeTo(Self,
            success: socket => new Accepted(socket),
            failure: e => new AcceptFailed(e.GetBaseException().Message));
    }

    private void Admit(Socket socket)
    {
        IPAddress client;
        try
        {
            client = SmtpConnection.ClientAddressOf((IPEndPoint)socket.RemoteEndPoint!);
        }
        catch (SocketException)
        {
            socket.Dispose(); // already gone
            return;
        }

        switch (_limiter.TryAdmit(client, exemptFromPerClientLimit: _setup.Policy.IsTrusted(client)))
        {
            case Admission.TooManyConnections:
                TurnAway(socket, _setup.Replies.TooManyConnections, client);
                return;
            case Admission.TooManyFromClient:
                TurnAway(socket, _setup.Replies.TooManyConnectionsFromClient, client);
                return;
        }
        var id = Interlocked.Increment(ref _lastSessionNumber).ToString("X6", System.Globalization.CultureInfo.InvariantCulture);
        var session = Context.ActorOf(SessionActor.Props(_setup, socket, _queue, id, _sessionLog), "session-" + id);
        Context.Watch(session);
        _sessions[session] = client;
    }

    /// <summary>421 and close, without a session: the connection never counted. Bounded node-wide (<see cref="Listeners.TurnAway"/>).</summary>
    private void TurnAway(Socket socket, SmtpReply reply, IPAddress client)
    {
        _log.Info("smtp {0}: turned away {1}: {2}", _setup.Listener.Name, client, reply);
        _turnAway.Refuse(socket, reply);
    }

    private void CloseListenSocket()
    {
        if (_stopped) return;
        _stopped = true;
        _listenSocket.Dispose();
    }

    private void AnswerIfAllEnded()
    {
        if (_sessions.Count > 0 || _waitingForEnd.Count == 0) return;
        foreach (var requester in _waitingForEnd) requester.Tell(Done.Instance);
        _waitingForEnd.Clear();
    }
}
