using System.Net;
using ActorMta.Ingress.Trace;
using ActorMta.Queue;
using ActorMta.Smtp;
using Akka.Actor;
using ActorMta.Contracts;

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
            new Policy.RelayPolicy(ingress.TrustedNetworks, ingress.AcceptedDomains), ingress.RecipientValidation)
        {
            MaxGeneratedSize = inject.MaxGeneratedSize,
        }, acceptTimeout, clock);

    public async Task<InjectAnswer> InjectAsync(InjectRequest request, IActorRef intake, IPAddress client) =>
        (await InjectAsync([request], intake, client))[0];

    /// <summary>
    /// Several requests (a batch), answered each as if alone. All are planned first, one after the other,
    /// against one <see cref="GenerationBudget"/>, so a batch holds no more generated mail than a request may;
    /// then every message is handed to the intake at once, so they share its durable writes.
    /// </summary>
    public async Task<IReadOnlyList<InjectAnswer>> InjectAsync(IReadOnlyList<InjectRequest> requests, IActorRef intake, IPAddress client)
    {
        var now = clock.GetUtcNow();
        var budget = new GenerationBudget(rules.MaxGeneratedSize);
        var plans = requests.Select(request => InjectPlanner.Plan(request, rules, now, budget)).ToArray();
        var requestId = Guid.NewGuid().ToString("N")[..16];
        var outcomes = await Task.WhenAll(plans.Select((plan, p) =>
            Task.WhenAll(plan.Messages.Select((message, m) => EnqueueAsync(message, $"{requestId}-{p + 1}.{m + 1}", intake, client)))));
        return [.. plans.Select((plan, p) => Answer(plan.Messages, plan.Failed, plan.Refusal, outcomes[p]))];
    }

    private static InjectAnswer Answer(IReadOnlyList<PlannedMessage> messages, IReadOnlyList<FailedRecipient> failed, InjectRefusal? refusal,
        (string? QueueId, string? Failure)[] outcomes)
    {
        if (refusal is not null) return new InjectAnswer(refusal.Status, new { error = refusal.Reason });
        var queueIds = new List<string>();
        var failures = new List<FailedRecipient>(failed);
        var (queued, unavailable) = (0, 0);
        for (var i = 0; i < messages.Count; i++)
        {
            if (outcomes[i].QueueId is { } queueId)
            {
                queueIds.Add(queueId);
                queued += messages[i].Recipients.Count;
                continue;
            }
            unavailable++;
            failures.AddRange(messages[i].Recipients.Select(r => new FailedRecipient(r, $"recipient '{r}': not queued, try again: {outcomes[i].Failure}")));
        }
        IngressMetrics.InjectedMessages.Add(queueIds.Count);
        IngressMetrics.InjectedRecipients.Add(queued);
        IngressMetrics.InjectRecipientsFailed.Add(failures.Count);
        var response = new InjectResponse(queued, failures.Count, [.. failures.Select(f => f.Recipient)], [.. failures.Select(f => f.Error)], queueIds);
        // Nothing queued: 503 when the queue did not take it (try again), 422 when nothing in it was acceptable.
        var status = queued > 0 ? 200 : unavailable > 0 ? 503 : 422;
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
