using System.Net;
using ActorMta.Ingress.Trace;
using ActorMta.Queue;
using ActorMta.Smtp;
using Akka.Actor;

namespace ActorMta.Ingress.Http;

/// <summary>
/// Queues an injection request's messages the way an SMTP session queues one after DATA: the trace
/// header first, then the content, handed to the node's <see cref="QueueIntake"/>, which stores the
/// body and has a partition record it durably before it answers. The answer goes back only once
/// every message is durable (or could not be made so).
/// </summary>
public sealed class Injector(InjectRules rules, TimeSpan acceptTimeout, TimeProvider clock)
{
    public const string ListenerName = "http-inject";

    public InjectRules Rules => rules;

    /// <summary>The SMTP ingress's limits and relay policy, with the injection API's own recipient limit.</summary>
    public static Injector For(IngressSettings ingress, InjectSettings inject, string hostname, TimeSpan acceptTimeout, TimeProvider clock) =>
        new(new InjectRules(hostname, inject.MaxRecipients, ingress.Limits.MaxRecipients, ingress.Limits.MaxMessageSize, ingress.Limits.MaxReceivedHeaders,
            new Policy.RelayPolicy(ingress.TrustedNetworks, ingress.AcceptedDomains), ingress.RecipientValidation), acceptTimeout, clock);

    public async Task<InjectAnswer> InjectAsync(InjectRequest request, IActorRef intake, IPAddress client)
    {
        var now = clock.GetUtcNow();
        var (messages, failed, refusal) = InjectPlanner.Plan(request, rules, now);
        if (refusal is not null) return new InjectAnswer(refusal.Status, new { error = refusal.Reason });

        var requestId = Guid.NewGuid().ToString("N")[..16];
        var outcomes = await Task.WhenAll(messages.Select((message, i) => EnqueueAsync(message, $"{requestId}-{i + 1}", intake, client)));
        var queueIds = new List<string>();
        var failures = new List<FailedRecipient>(failed);
        var unavailable = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (outcomes[i].QueueId is { } queueId) queueIds.Add(queueId);
            else
            {
                unavailable++;
                failures.AddRange(messages[i].Recipients.Select(r => new FailedRecipient(r, $"recipient '{r}': not queued, try again: {outcomes[i].Failure}")));
            }
        }
        var response = new InjectResponse(messages.Where((_, i) => outcomes[i].QueueId is not null).Sum(m => m.Recipients.Count), failures.Count,
            [.. failures.Select(f => f.Recipient)], [.. failures.Select(f => f.Error)], queueIds);
        // Nothing queued: 503 when the queue did not take it (try again), 422 when nothing in it was acceptable.
        var status = response.SuccessCount > 0 ? 200 : unavailable > 0 ? 503 : 422;
        return new InjectAnswer(status, status == 200 ? response : new InjectError(response.Errors.FirstOrDefault() ?? "nothing to queue", response));
    }

    /// <summary>The answer when nothing was queued: an error naming the first reason, and KumoMTA's fields.</summary>
    public sealed record InjectError(string Error, InjectResponse Response)
    {
        public int SuccessCount => Response.SuccessCount;
        public int FailCount => Response.FailCount;
        public IReadOnlyList<string> FailedRecipients => Response.FailedRecipients;
        public IReadOnlyList<string> Errors => Response.Errors;
        public IReadOnlyList<string> QueueIds => Response.QueueIds;
    }

    private async Task<(string? QueueId, string? Failure)> EnqueueAsync(PlannedMessage message, string id, IActorRef intake, IPAddress client)
    {
        var trace = ReceivedHeader.Format(new ReceivedTrace(ReceivedHeader.AddressLiteral(client), client, rules.Hostname, Extended: true, message.SmtpUtf8, id,
            TlsProtocol: null, TlsCipher: null, AuthenticatedUser: null, message.Recipients.Count == 1 ? message.Recipients[0] : null, clock.GetLocalNow())
        {
            Protocol = "HTTP",
        });
        var body = new byte[trace.Length + message.Content.Length];
        trace.CopyTo(body, 0);
        message.Content.CopyTo(body, trace.Length);
        var envelope = new SmtpEnvelope(message.ReversePath, [.. message.Recipients.Select(r => new EnvelopeRecipient(r))], message.BodyType, message.SmtpUtf8,
            DsnReturn.Unspecified, null, new SubmittingClient(client.ToString(), "http", ListenerName), clock.GetUtcNow());
        try
        {
            var answer = await intake.Ask<object>(new QueueIntake.Enqueue(envelope, body), acceptTimeout);
            return answer switch
            {
                QueueIntake.Enqueued enqueued => (enqueued.QueueId, null),
                QueueIntake.NotEnqueued refused => (null, refused.Reason),
                _ => (null, $"unexpected answer {answer}"),
            };
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            return (null, $"the queue did not answer within {acceptTimeout.TotalSeconds:0.###}s");
        }
    }
}
