using ActorMta.Smtp;
using ActorMta.Smtp.Client;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// Turns what happened on the wire into per-recipient results in the queue's terms: the server's
/// own reply where one decided, else a reply of ours in SMTP form (code, RFC 3463 code, text).
/// Session-level trouble is always a deferral: the queue tries again and expires the mail in the end.
/// </summary>
public static class Replies
{
    public static RemoteReply From(SmtpReply reply) =>
        new(reply.Code, reply.Status?.ToString(), string.Join(" ", reply.Lines));

    public static DeliveryOutcome Outcome(RecipientOutcome outcome) => outcome switch
    {
        RecipientOutcome.Delivered => DeliveryOutcome.Delivered,
        RecipientOutcome.Failed => DeliveryOutcome.Failed,
        _ => DeliveryOutcome.Deferred,
    };

    /// <summary>Why a session could not be set up, as a deferral: the server's 4xx as is, anything else as ours.</summary>
    public static RemoteReply SessionFailure(SmtpClientException failure, string where)
    {
        if (failure.Reply is { IsTransientFailure: true } transient) return From(transient);
        var said = failure.Reply is null ? failure.Message : $"{failure.Message}: {failure.Reply}";
        return failure.Stage switch
        {
            SessionStage.Connect => new RemoteReply(451, "4.4.1", $"cannot connect to {where}: {said}"),
            SessionStage.StartTls => new RemoteReply(451, "4.7.10", $"TLS with {where} failed: {said}"),
            SessionStage.Auth => new RemoteReply(451, "4.7.8", $"authentication at {where} failed: {said}"),
            _ => new RemoteReply(451, "4.4.2", $"{where} did not complete the session ({failure.Stage}): {said}"),
        };
    }

    public static RemoteReply ConnectionLost(string where, string detail) => new(451, "4.4.2", $"connection to {where} lost: {detail}");

    public static readonly RemoteReply NoReply = new(451, "4.4.2", "the connection ended before the server replied");
}
