using ActorMta.Delivery.Connections;
using Akka.Actor;
using ActorMta.Contracts;
using static ActorMta.Delivery.Connections.ConnectionProtocol;

namespace ActorMta.Delivery;

/// <summary>
/// Moving (sharding hands the domain to another node, or this node leaves): a state of its own. Nothing new
/// is taken and nothing is opened; what waits goes back to its partition unattempted; what is on the wire
/// finishes and is reported; then the actor stops, at the latest at <see cref="HandOffDeadline"/> (what is
/// still on the wire then is cut, and its partition sends it again).
/// </summary>
public sealed partial class DomainDelivery
{
    private void OnHandOff()
    {
        Become(HandingOff);
        ReturnWaiting();
        foreach (var connection in _pool.All.Where(c => c.State == ConnectionState.Idle).ToArray()) CloseConnection(connection);
        Timers.StartSingleTimer("hand-off", StopNow.Instance, HandOffDeadline);
        StopIfHandedOff();
    }

    private void HandingOff()
    {
        Receive<DeliveryRequest>(request =>
        {
            if (!AlreadyHandled(request)) AnswerAll(request, DeliveryOutcome.Returned, Moving);
        });
        Receive<Transmitted>(transmitted =>
        {
            if (Settle(transmitted) is { State: not ConnectionState.Closing } connection) CloseConnection(connection);
            StopIfHandedOff();
        });
        Receive<Opened>(_ =>
        {
            if (_pool.TryGet(Sender, out var connection)) CloseConnection(connection);
        });
        Receive<OpenFailed>(_ =>
        {
            if (_pool.TryGet(Sender, out var connection)) connection.State = ConnectionState.Closing;
        });
        Receive<Terminated>(terminated =>
        {
            Forget(terminated);
            StopIfHandedOff();
        });
        Receive<Resolved>(_ => _resolving = false);
        Receive<FlushClaims>(_ => SendClaims());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
        Receive<StopNow>(_ => Context.Stop(Self));
        ReceiveOperatorStates();
        // Ticks, wakes, a second hand-off: nothing to do on the way out.
        ReceiveAny(_ => { });
    }

    private void StopIfHandedOff()
    {
        if (!_pool.AnyBusy) Context.Stop(Self);
    }
}
