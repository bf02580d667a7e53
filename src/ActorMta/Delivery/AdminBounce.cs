using ActorMta.Delivery.Classification;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

/// <summary>
/// An operator's admin bounce (POST /api/admin/bounce/v1) as delivery reports it: recipients fail with
/// KumoMTA's reply for it, so the sender's DSN says why, and the delivery log marks them AdminBounce.
/// </summary>
public static class AdminBounce
{
    public const string Class = BounceClass.AdminBounce;

    public static RemoteReply Reply(string reason) => new(551, "5.7.1", $"Administrator bounced with reason: {reason}");
}
