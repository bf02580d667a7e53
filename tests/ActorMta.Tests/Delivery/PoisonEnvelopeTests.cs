using ActorMta.Delivery;
using Akka.Actor;
using ActorMta.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// Invariant 4's delivery half: a queued recipient (or message) that cannot be put on the wire fails
/// alone, permanently, before anything is sent; the rest of the batch goes out and the connection stays.
/// Such envelopes are injected straight into the delivery actor: ingress refuses them.
/// </summary>
public sealed class PoisonEnvelopeTests : DomainDeliveryTestKit
{
    [Fact]
    public async Task A_recipient_whose_ORCPT_cannot_be_sent_fails_alone_and_the_good_one_goes_out_on_the_first_attempt()
    {
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("poison orcpt"), "sender@origin.test", null, "good", "poison");
        request = request with
        {
            Recipients =
            [
                request.Recipients[0],
                request.Recipients[1] with { OriginalRecipient = "rfc822;poison@example.test\r\nRSET" },
            ],
        };
        var (delivery, queue) = Start("example.test");

        delivery.Tell(request);

        var results = queue.ExpectMsg<DeliveryReport>(Deadline).Results.OrderBy(r => r.Index).ToArray();
        Assert.Equal(DeliveryOutcome.Delivered, results[0].Outcome);
        Assert.Equal(DeliveryOutcome.Failed, results[1].Outcome);
        Assert.Equal((550, "5.5.4"), (results[1].Reply.Code, results[1].Reply.EnhancedCode));
        Assert.Contains("ORCPT", results[1].Reply.Text);
        Assert.Equal(["good@example.test"], Assert.Single(Sink.Messages).Recipients.Select(r => r.Address));
        Assert.DoesNotContain(Sink.Commands, c => c.Line.Contains("poison", StringComparison.OrdinalIgnoreCase));

        // The connection stayed: the next message goes over the same one.
        delivery.Tell(await Bed.QueueAsync("example.test", DeliveryTestBed.Body("after the poison")));
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        Assert.Equal(1, Sink.TotalConnections);
    }

    [Fact]
    public async Task A_recipient_address_with_a_line_break_fails_alone_with_5_1_3()
    {
        var request = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("poison address"), "sender@origin.test", null, "good", "bad");
        request = request with { Recipients = [request.Recipients[0], request.Recipients[1] with { Address = "bad\r\nQUIT\r\n@example.test" }] };
        var (delivery, queue) = Start("example.test");

        delivery.Tell(request);

        var results = queue.ExpectMsg<DeliveryReport>(Deadline).Results.OrderBy(r => r.Index).ToArray();
        Assert.Equal(DeliveryOutcome.Delivered, results[0].Outcome);
        Assert.Equal((DeliveryOutcome.Failed, 553, "5.1.3"), (results[1].Outcome, results[1].Reply.Code, results[1].Reply.EnhancedCode));
        Assert.Single(Sink.Messages);
        Assert.DoesNotContain(Sink.Commands, c => c.Line.Equals("QUIT", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_message_whose_ENVID_cannot_be_sent_fails_alone_and_the_connection_carries_the_next_message()
    {
        var poison = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("poison envid"), "sender@origin.test", null, "a", "b");
        var (delivery, queue) = Start("example.test");

        delivery.Tell(poison with { EnvelopeId = "id\r\nRCPT TO:<victim@example.test>" });

        var results = queue.ExpectMsg<DeliveryReport>(Deadline).Results;
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal((DeliveryOutcome.Failed, 5), (r.Outcome, r.Reply.Code / 100)));
        Assert.Contains("ENVID", results[0].Reply.Text);

        delivery.Tell(await Bed.QueueAsync("example.test", DeliveryTestBed.Body("after the poison")));
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results).Outcome);
        Assert.Equal(1, Sink.TotalConnections);
        Assert.DoesNotContain(Sink.Commands, c => c.Line.Contains("victim", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_message_whose_reverse_path_cannot_be_sent_fails_alone_with_5_1_7()
    {
        var poison = await Bed.QueueAsync("example.test", DeliveryTestBed.Body("poison sender"), "bad\nsender@origin.test");
        var (delivery, queue) = Start("example.test");

        delivery.Tell(poison);

        var result = Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
        Assert.Equal((DeliveryOutcome.Failed, 553, "5.1.7"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Empty(Sink.Messages);
    }
}
