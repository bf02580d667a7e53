using ActorMta.Contracts;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Ingress.Policy;

/// <summary>
/// Asks the suppression list whether a recipient is suppressed for a message (its sender's domain, its authenticated
/// user, and globally). Shared by the SMTP sessions (RCPT) and the injection API. No per-node cache: a shard answers
/// from memory, and a cache would keep a removed address refused (or an added one accepted) on the other nodes.
/// A shard that does not answer within the timeout (moving, recovering, unreachable) means accept: a relay must not
/// refuse mail because its own list is out of reach. That is logged and counted
/// (actormta_ingress_suppression_unanswered_total).
/// </summary>
public sealed class RecipientSuppression(IActorRef region, int shards, TimeSpan timeout, ILoggingAdapter log)
{
    /// <summary>The entry that suppresses <paramref name="recipient"/> for this message, or null (also when the list did not answer). Never throws.</summary>
    public async Task<SuppressionEntry?> FindAsync(string recipient, string? reversePath, string? user)
    {
        if (SuppressionAddress.Normalize(recipient) is not { } normalized) return null;
        try
        {
            var verdict = await region.Ask<SuppressionVerdict>(
                new CheckSuppression(SuppressionAddress.Shard(normalized, shards), normalized, SuppressionScope.Of(reversePath, user)), timeout).ConfigureAwait(false);
            if (verdict.Match is not null) IngressMetrics.RecipientsSuppressed.Add(1);
            return verdict.Match;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            IngressMetrics.SuppressionUnanswered.Add(1);
            log.Warning("suppression list did not answer within {0}ms for <{1}>: recipient accepted unchecked", timeout.TotalMilliseconds, normalized);
            return null;
        }
    }

    /// <summary>The reason as shown in a refusal: one line, not too long for a reply.</summary>
    public static string Shown(SuppressionEntry entry)
    {
        var reason = string.Join(' ', entry.Reason.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        if (reason.Length > 200) reason = reason[..200] + "...";
        return reason.Length == 0 ? entry.Source : reason;
    }
}
