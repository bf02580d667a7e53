using ActorMta.Contracts;
using ActorMta.Ingress;
using ActorMta.Ingress.Policy;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Tests.Ingress.Policy;

/// <summary>The RCPT check when the suppression list does not answer within check-timeout: the recipient is accepted, counted and logged.</summary>
public sealed class RecipientSuppressionTests : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>A shard region that takes the check and never answers (a shard moving, recovering, or out of reach).</summary>
    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task A_list_that_does_not_answer_within_the_timeout_accepts_the_recipient_counts_it_and_warns()
    {
        var region = Sys.ActorOf(Props.Create(() => new Silent()));
        var check = new RecipientSuppression(region, 32, TimeSpan.FromMilliseconds(100), Logging.GetLogger(Sys, "suppression-test"));
        var unansweredBefore = IngressMetrics.SuppressionUnanswered.Value;

        SuppressionEntry? found = new("x@example.com", SuppressionScope.Global, "not checked yet", "test", null, DateTimeOffset.UnixEpoch);
        await EventFilter.Warning(contains: "suppression list did not answer within 100ms for <unanswered@example.com>: recipient accepted unchecked")
            .ExpectOneAsync(async () => found = await check.FindAsync("Unanswered@Example.com", "sender@origin.test", null));

        Assert.Null(found);
        Assert.True(IngressMetrics.SuppressionUnanswered.Value > unansweredBefore, "actormta_ingress_suppression_unanswered_total counted");
    }
}
