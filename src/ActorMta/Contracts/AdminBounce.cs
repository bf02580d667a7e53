namespace ActorMta.Contracts;

/// <summary>
/// An operator's admin bounce (POST /api/admin/bounce/v1) as the stages report it: recipients fail with
/// KumoMTA's reply for it, so the sender's DSN says why, and the delivery log marks them AdminBounce.
/// </summary>
public static class AdminBounce
{
    /// <summary>The bounce class of the delivery log and metrics (KumoMTA's name).</summary>
    public const string Class = "AdminBounce";

    public static RemoteReply Reply(string reason) => new(551, "5.7.1", $"Administrator bounced with reason: {reason}");
}

/// <summary>
/// The delivery log as the queue writes to it: one line for a recipient the operator bounced before any
/// attempt (a queue_id bounce is decided in the partition, not by a delivery). The delivery log implements it.
/// </summary>
public interface IAdminBounceLog
{
    void AdminBounced(DateTimeOffset at, string queueId, string sender, string recipient, string domain, RemoteReply reply, int attempts, TimeSpan queued);
}
