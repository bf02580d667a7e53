using System.Net;
using ActorMta.Ingress.Policy;
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
    public static Injector For(IngressSettings ingress, InjectSettings inject, string hostname, TimeSpan acceptTimeout, TimeProvider clock,
        PoolChoice? pools = null) =>
        new(new InjectRules(hostname, inject.MaxRecipients, ingress.Limits.MaxRecipients, ingress.Limits.MaxMessageSize, ingress.Limits.MaxReceivedHeaders,
            new Policy.RelayPolicy(ingress.TrustedNetworks, ingress.AcceptedDomains), ingress.RecipientValidation)
        {
            MaxGeneratedSize = inject.MaxGeneratedSize,
            PoolChoice = pools ?? PoolChoice.None,
        }, acceptTimeout, clock);

    public async Task<InjectAnswer> InjectAsync(InjectRequest request, IActorRef intake, IPAddress client, RecipientSuppression? suppression = null) =>
        (await InjectAsync([request], intake, client, suppression))[0];

    /// <summary>
    /// Several requests (a batch), answered each as if alone. All are planned first, one after the other,
    /// against one <see cref="GenerationBudget"/>, so a batch holds no more generated mail than a request may;
    /// then every message is handed to the intake at once, so they share its durable writes.
    /// </summary>
    /// <param name="suppression">The suppression list: a suppressed recipient fails in the answer and is not queued; null: not checked.</param>
    public async Task<IReadOnlyList<InjectAnswer>> InjectAsync(IReadOnlyList<InjectRequest> requests, IActorRef intake, IPAddress client,
        RecipientSuppression? suppression = null)
    {
        var now = clock.GetUtcNow();
        var budget = new GenerationBudget(rules.MaxGeneratedSize);
        var plans = await Task.WhenAll(requests.Select(request => WithoutSuppressed(InjectPlanner.Plan(request, rules, now, budget), suppression)));
        var requestId = Guid.NewGuid().ToString("N")[..16];
        var outcomes = await Task.WhenAll(plans.Select((plan, p) =>
            Task.WhenAll(plan.Messages.Select((message, m) => EnqueueAsync(message, $"{requestId}-{p + 1}.{m + 1}", intake, client)))));
        return [.. plans.Select((plan, p) => Answer(plan.Messages, plan.Failed, plan.Refusal, outcomes[p]))];
    }

    /// <summary>The plan with the suppressed recipients taken out of its messages and failed (a message left with none is dropped).</summary>
    private static async Task<(IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<FailedRecipient> Failed, InjectRefusal? Refusal)> WithoutSuppressed(
        (IReadOnlyList<PlannedMessage> Messages, IReadOnlyList<FailedRecipient> Failed, InjectRefusal? Refusal) plan, RecipientSuppression? suppression)
    {
        if (suppression is null || plan.Refusal is not null || plan.Messages.Count == 0) return plan;
        var matches = await Task.WhenAll(plan.Messages.Select(m => Task.WhenAll(m.Recipients.Select(r => suppression.FindAsync(r, m.ReversePath, null)))));
        var (messages, failed) = (new List<PlannedMessage>(), new List<FailedRecipient>(plan.Failed));
        for (var i = 0; i < plan.Messages.Count; i++)
        {
            var message = plan.Messages[i];
            var kept = message.Recipients.Where((_, r) => matches[i][r] is null).ToArray();
            failed.AddRange(message.Recipients.Select((recipient, r) => (recipient, Match: matches[i][r])).Where(p => p.Match is not null)
                .Select(p => new FailedRecipient(p.recipient, $"recipient '{p.recipient}': 550 5.1.1 recipient is suppressed ({RecipientSuppression.Shown(p.Match!)})")));
            if (kept.Length == message.Recipients.Count) messages.Add(message);
            else if (kept.Length > 0) messages.Add(message with { Recipients = kept });
        }
        return (messages, failed, null);
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
        var removed = message.Removed ?? [];
        var body = new byte[trace.Length + message.Content.Length - removed.Sum(r => r.End - r.Start)];
        trace.CopyTo(body, 0);
        Sessions.MessageBuffer.CopyKept(message.Content, 0, removed, body.AsSpan(trace.Length));
        var envelope = new SmtpEnvelope(message.ReversePath, [.. message.Recipients.Select(r => new EnvelopeRecipient(r))], message.BodyType, message.SmtpUtf8,
            DsnReturn.Unspecified, null, new SubmittingClient(client.ToString(), "http", ListenerName), clock.GetUtcNow(), message.Pool);
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
