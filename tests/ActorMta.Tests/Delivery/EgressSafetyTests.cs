using ActorMta.Delivery;
using Akka.Actor;
using ActorMta.TestSupport.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery;

/// <summary>
/// Where delivery refuses to connect: MX and address answers that point into private, loopback or
/// otherwise special networks (5.4.4, unless allowed), address-literal domains likewise, and next
/// hops that are this node itself (a mail loop, 5.4.6). DNS is the loopback server; the would-be
/// next hop is a real sink on loopback that must see no connection.
/// </summary>
public sealed class EgressSafetyTests : DomainDeliveryTestKit
{
    private const string Refuse = "actormta.delivery.allow-private-destinations = off";

    private async Task<RecipientResult> DeliverAsync(DeliveryTestBed bed, string domain)
    {
        var (delivery, queue) = Start(domain, bed);
        delivery.Tell(await bed.QueueAsync(domain, DeliveryTestBed.Body(domain)));
        return Assert.Single(queue.ExpectMsg<DeliveryReport>(Deadline).Results);
    }

    [Fact]
    public async Task An_MX_that_resolves_to_loopback_is_refused_with_5_4_4_without_connecting()
    {
        await using var bed = await StartBedAsync(Refuse);

        var result = await DeliverAsync(bed, "example.test");

        Assert.Equal((DeliveryOutcome.Failed, 550, "5.4.4"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Contains("127.0.0.1", result.Reply.Text);
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task An_MX_that_resolves_to_IPv6_loopback_is_refused_with_5_4_4()
    {
        await using var bed = await StartBedAsync(Refuse + "\nactormta.delivery.dns.address-preference = ipv6-only");
        bed.Dns.Zone("six.test").Mx("six.test", 10, "mx.six.test").Aaaa("mx.six.test", "::1");

        var result = await DeliverAsync(bed, "six.test");

        Assert.Equal((DeliveryOutcome.Failed, "5.4.4"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task Only_the_private_addresses_of_an_MX_are_dropped_when_a_public_one_remains_usable()
    {
        // A private MX of lower preference beside an allowed one: the refused one is skipped, the other delivers.
        await using var bed = await StartBedAsync(Refuse + "\nactormta.delivery.allowed-destination-networks = [\"127.0.0.2/32\"]");
        await using var allowed = TestSmtpSink.Start(new TestSmtpSinkOptions { Address = System.Net.IPAddress.Parse("127.0.0.2"), Port = Sink.Port });
        bed.Dns.Zone("two.test").Mx("two.test", 10, "private.two.test").A("private.two.test", "127.0.0.1").Mx("two.test", 20, "relay.two.test").A("relay.two.test", "127.0.0.2");

        var result = await DeliverAsync(bed, "two.test");

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("relay.two.test", result.RemoteHost);
        Assert.Single(allowed.Messages);
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task A_domain_without_MX_whose_address_record_is_private_is_refused_with_5_4_4()
    {
        // No MX: the domain itself is the implicit MX (RFC 5321 5.1), and its A answer is screened the same way.
        await using var bed = await StartBedAsync(Refuse);
        bed.Dns.Zone("implicit.test").A("implicit.test", "127.0.0.1");

        var result = await DeliverAsync(bed, "implicit.test");

        Assert.Equal((DeliveryOutcome.Failed, "5.4.4"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task An_address_literal_domain_pointing_at_loopback_is_refused_with_5_4_4()
    {
        await using var bed = await StartBedAsync(Refuse);

        var result = await DeliverAsync(bed, "[127.0.0.1]");

        Assert.Equal((DeliveryOutcome.Failed, "5.4.4"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task An_allowed_network_lets_an_internal_next_hop_through()
    {
        await using var bed = await StartBedAsync(Refuse + "\nactormta.delivery.allowed-destination-networks = [\"127.0.0.0/8\"]");

        Assert.Equal(DeliveryOutcome.Delivered, (await DeliverAsync(bed, "example.test")).Outcome);
        Assert.Single(Sink.Messages);
    }

    [Fact]
    public async Task A_static_route_set_by_the_operator_may_point_at_loopback()
    {
        await using var bed = await StartBedAsync($"{Refuse}\nactormta.delivery.domains.\"static.test\" {{ route = static, hosts = [\"127.0.0.1:{Sink.Port}\"], tls = none }}");

        Assert.Equal(DeliveryOutcome.Delivered, (await DeliverAsync(bed, "static.test")).Outcome);
        Assert.Single(Sink.Messages);
    }

    [Fact]
    public async Task An_MX_named_like_this_node_is_a_mail_loop_5_4_6()
    {
        await using var bed = await StartBedAsync("actormta.node.hostname = \"mta.origin.test\"");
        bed.Dns.Zone("loop.test").Mx("loop.test", 10, "MTA.origin.test.");
        bed.Dns.Zone("origin.test").A("mta.origin.test", "127.0.0.1");

        var result = await DeliverAsync(bed, "loop.test");

        Assert.Equal((DeliveryOutcome.Failed, 554, "5.4.6"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Contains("loops back", result.Reply.Text);
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task An_MX_that_resolves_to_this_nodes_own_SMTP_listener_is_a_mail_loop_5_4_6()
    {
        // The sink stands where this node's relay listener is configured: the MX answer points right at it.
        await using var bed = await StartBedAsync($"actormta.smtp.listeners.relay {{ hostname = \"127.0.0.1\", port = {Sink.Port} }}");
        bed.Dns.Zone("self.test").Mx("self.test", 10, "mx.self.test").A("mx.self.test", "127.0.0.1");

        var result = await DeliverAsync(bed, "self.test");

        Assert.Equal((DeliveryOutcome.Failed, "5.4.6"), (result.Outcome, result.Reply.EnhancedCode));
        Assert.Equal(0, Sink.TotalConnections);
    }

    [Fact]
    public async Task A_next_hop_that_greets_with_this_nodes_hostname_is_a_mail_loop_5_4_6()
    {
        await using var mirror = TestSmtpSink.Start(new TestSmtpSinkOptions { HostName = "mta.origin.test" });
        await using var bed = await StartBedAsync($"actormta.node.hostname = \"mta.origin.test\"\nactormta.delivery.mx-port = {mirror.Port}");

        var result = await DeliverAsync(bed, "example.test");

        Assert.Equal((DeliveryOutcome.Failed, 554, "5.4.6"), (result.Outcome, result.Reply.Code, result.Reply.EnhancedCode));
        Assert.Empty(mirror.Transactions);
    }
}
