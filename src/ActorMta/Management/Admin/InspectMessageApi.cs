using System.Text;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Management.Admin;

/// <summary>
/// GET /api/admin/inspect-message/v1?id=QUEUE_ID&amp;want_body=true, in KumoMTA's shape ({id, message:
/// {sender, recipient, num_attempts, due, meta, data}}), with ActorMta's additions: every recipient and the
/// message's timeline (accepted, each attempt with its reply, outcomes, DSNs) as its partition recovered it
/// from the journal. Completed messages are answered while the partition still remembers them
/// (actormta.queue.recently-completed); their body is never answered, since its deletion is batched
/// and may not have happened yet.
/// </summary>
public static class InspectMessageApi
{
    public static IEndpointRouteBuilder MapInspectMessageApi(this IEndpointRouteBuilder routes, QueueSettings settings)
    {
        routes.MapGet("/api/admin/inspect-message/v1", async (string? id, bool? want_body, ActorRegistry registry, MessageBodyStore bodies, CancellationToken cancellation) =>
        {
            if (string.IsNullOrEmpty(id)) return AdminJson.Error(422, "id (a queue id) is required");
            var (answer, error) = await QueueEndpoints.AskPartitionAsync(registry, settings, id, partition => new QueuePartition.GetMessage(partition, id), cancellation);
            if (error is not null) return error;
            if (answer is not QueuePartition.MessageDetails details) return AdminJson.Error(404, $"message {id} is not in the queue");
            var completed = details.State == PartitionDecider.CompletedState;
            var body = want_body == true && !completed ? await bodies.ReadAsync(id, cancellation) : null;
            var envelope = details.Envelope;
            return Results.Json(new
            {
                id = details.QueueId,
                message = new
                {
                    sender = envelope.ReversePath,
                    recipient = details.Recipients.FirstOrDefault()?.Address,
                    recipients = details.Recipients,
                    num_attempts = details.Recipients.Count == 0 ? 0 : details.Recipients.Max(r => r.Attempts),
                    due = details.Recipients.Where(r => r.NextAttemptAt is not null).Select(r => r.NextAttemptAt).Min(),
                    meta = new
                    {
                        state = details.State,
                        size = details.Size,
                        accepted_at = details.AcceptedAt,
                        expires_at = details.ExpiresAt,
                        envelope_id = envelope.EnvelopeId,
                        ret = envelope.Ret,
                        body_type = envelope.BodyType,
                        smtp_utf8 = envelope.SmtpUtf8,
                        client = envelope.Client,
                    },
                    // Latin-1 keeps every byte of an 8-bit body as one character; JSON escapes what needs it.
                    data = body is null ? null : Encoding.Latin1.GetString(body),
                    timeline = details.History,
                },
            }, AdminJson.Options);
        });
        return routes;
    }
}
