using System.Net.Sockets;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Sessions;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Ingress;

/// <summary>
/// The node's SMTP side: one <see cref="SmtpListener"/> child per configured listener, and the
/// shutdown steps CoordinatedShutdown runs through it (stop accepting, then end the sessions).
/// </summary>
public sealed class SmtpIngress : ReceiveActor
{
    /// <summary>Every listener closes its socket; answered with <see cref="Done"/>.</summary>
    public sealed record StopAccepting
    {
        public static readonly StopAccepting Instance = new();
    }

    /// <summary>Every session ends (421 when idle, else after its transaction); answered with <see cref="Done"/> when all have.</summary>
    public sealed record EndSessions
    {
        public static readonly EndSessions Instance = new();
    }

    /// <summary>How long one step may wait for the listeners; CoordinatedShutdown's phase timeout usually ends it sooner.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SmtpIngress(IReadOnlyList<(SessionSetup Setup, Socket Socket)> listeners, ConnectionLimiter limiter, TurnAway turnAway, IActorRef queue)
    {
        var children = listeners
            .Select(l => Context.ActorOf(SmtpListener.Props(l.Setup, l.Socket, limiter, turnAway, queue), "listener-" + l.Setup.Listener.Name))
            .ToArray();

        Receive<StopAccepting>(_ => AskAll(children, SmtpListener.StopAccepting.Instance));
        Receive<EndSessions>(_ => AskAll(children, SmtpListener.EndSessions.Instance));
    }

    public static Props Props(IReadOnlyList<(SessionSetup Setup, Socket Socket)> listeners, ConnectionLimiter limiter, TurnAway turnAway, IActorRef queue) =>
        Akka.Actor.Props.Create(() => new SmtpIngress(listeners, limiter, turnAway, queue));

    /// <summary>A listener that fails is stopped, not restarted: its socket cannot be opened twice.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _log.Error(e, "smtp listener failed and is stopped");
        return Directive.Stop;
    });

    private void AskAll(IActorRef[] children, object step)
    {
        var requester = Sender;
        Task.WhenAll(children.Select(child => child.Ask<Done>(step, StepTimeout)))
            .PipeTo(requester, success: () => Done.Instance);
    }
}
