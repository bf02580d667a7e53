using ActorMta.Delivery.Log;
using ActorMta.Delivery.Sts;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

/// <summary>Answering the queue: exactly one report per request, and one delivery log line per recipient.</summary>
public sealed partial class DomainDelivery
{
    /// <summary>The next waiting request (that <paramref name="match"/> accepts, if given) that has not expired; expired ones are answered on the way (the queue expires them).</summary>
    private DeliveryRequest? NextWaiting(DateTimeOffset now, Func<DeliveryRequest, bool>? match = null)
    {
        while (_backlog.TryTakeFirst(match is null ? null : waiting => match(waiting.Request), out var waiting))
        {
            if (now < waiting.Request.ExpiresAt) return waiting.Request;
            AnswerAll(waiting.Request, DeliveryOutcome.Deferred, Expired);
        }
        return null;
    }

    /// <param name="sts">Why the domain's MTA-STS policy refused every host, when it did (for the delivery log).</param>
    private void DeferWaiting(RemoteReply reply, DateTimeOffset? retryNotBefore, StsOutcome? sts = null)
    {
        while (_backlog.TryDequeue(out var waiting)) AnswerAll(waiting.Request, DeliveryOutcome.Deferred, reply, retryNotBefore, sts: sts);
    }

    /// <summary>Defers what waits for one egress pool only (its every source is at today's warm-up cap).</summary>
    private void DeferWaiting(string pool, RemoteReply reply, DateTimeOffset? retryNotBefore)
    {
        while (_backlog.TryTakeFirstOf(pool, out var waiting)) AnswerAll(waiting.Request, DeliveryOutcome.Deferred, reply, retryNotBefore);
    }

    private void AnswerAll(DeliveryRequest request, DeliveryOutcome outcome, RemoteReply reply, DateTimeOffset? retryNotBefore = null, string? bounceClass = null,
        StsOutcome? sts = null) =>
        Report(request, [.. request.Recipients.Select(r => new RecipientResult(r.Index, outcome, reply, RetryNotBefore: retryNotBefore))], null, bounceClass, sts);

    /// <summary>The one report for a request, and one delivery log line per recipient.</summary>
    /// <param name="bounceClass">The log's class for every line (an admin bounce); null: classified from the reply.</param>
    /// <param name="sts">The MTA-STS mode and outcome of the session (or of the refusal) for every line; null: no policy applied.</param>
    private void Report(DeliveryRequest request, IReadOnlyList<RecipientResult> results, string? source, string? bounceClass = null, StsOutcome? sts = null)
    {
        var report = new DeliveryReport(request.Partition, request.QueueId, request.DispatchId, results);
        _reports.Tell(report);
        var now = Now;
        Reported(request, report, now);
        if (results.Count > 0 && results[^1].Outcome != DeliveryOutcome.Returned) _lastReply = (results[^1].Reply, now);
        var pool = _pool.NamedPoolOf(request);
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var recipient = i < request.Recipients.Count && request.Recipients[i].Index == result.Index
                ? request.Recipients[i]
                : request.Recipients.First(r => r.Index == result.Index);
            switch (result.Outcome)
            {
                case DeliveryOutcome.Delivered: _delivered++; break;
                case DeliveryOutcome.Failed: _failed++; break;
                default: _deferred++; break;
            }
            _context.Log.Write(new DeliveryLogEntry(now, request.QueueId, request.ReversePath, recipient.Address, _domain,
                result.RemoteHost, result.RemoteAddress, result.Tls, result.Reply, recipient.Attempt, now - request.ReceivedAt,
                result.Outcome, _policy.Route.Kind, source, request.Redispatch, bounceClass, sts, pool));
        }
    }

    private RemoteReply SuspendedReply() =>
        new(451, "4.4.5", $"delivery to {_domain} suspended until {_backoff.SuspendedUntil:u}: {_backoff.SuspendReason}");

    private static readonly RemoteReply Expired = new(451, "4.4.7", "message expired in the queue before it could be delivered");

    private RemoteReply Moving => new(451, "4.4.5", $"delivery to {_domain} is stopping here (moving to another node or shutting down)");
}
