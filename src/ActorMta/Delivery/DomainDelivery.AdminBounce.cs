using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

/// <summary>
/// An operator's admin bounce of the domain (POST /api/admin/bounce/v1): while it lasts every request is
/// answered "failed" with the operator's reason, so the partition fails the recipients and the sender gets
/// a DSN, as for any permanent failure. The rule lives in the domain's persisted backoff state, so it holds
/// fleet-wide and outlives the node the actor runs on.
/// </summary>
public sealed partial class DomainDelivery
{
    /// <summary>Recipients bounced under the rule in force (in this incarnation).</summary>
    private long _adminBounced;

    private void ReceiveAdminBounces()
    {
        Receive<Bounce>(bounce =>
        {
            var now = Now;
            if (!_backoff.IsBounced(now)) _adminBounced = 0;
            Changed(_backoff.Bounce(now, now + bounce.For, bounce.Reason));
            // What waits here fails now; what waits in the partitions (for a retry or a slot) is made due, comes here and fails.
            while (_backlog.TryDequeue(out var waiting)) BounceRequest(waiting.Request);
            AnnounceReady();
            Sender.Tell(Status());
        });
        Receive<CancelBounce>(_ =>
        {
            if (_backoff.CancelBounce(Now) is { } change) Changed(change);
            Pump();
            Sender.Tell(Status());
        });
    }

    private void BounceRequest(DeliveryRequest request)
    {
        _adminBounced += request.Recipients.Count;
        AnswerAll(request, DeliveryOutcome.Failed, AdminBounce.Reply(_backoff.BounceReason ?? ""), bounceClass: AdminBounce.Class);
    }
}
