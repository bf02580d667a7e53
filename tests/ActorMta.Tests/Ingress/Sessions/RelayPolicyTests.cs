using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>No open relay (design invariant 3), checked per RCPT on the relay listener.</summary>
public sealed class RelayPolicyTests : IngressTestKit
{
    private const string Accepted = "actormta.smtp.accepted-domains = [\"accepted.example\", \".sub.example\"]";

    [Fact]
    public async Task A_trusted_client_relays_to_any_domain()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(); // 127.0.0.1

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<someone@[192.0.2.1]>"));
    }

    [Theory]
    [InlineData("someone@elsewhere.example", "554 5.7.1 Relay access denied")]
    [InlineData("someone@sub.example", "554 5.7.1 Relay access denied")] // ".sub.example" is for subdomains only
    [InlineData("someone@[192.0.2.1]", "554 5.7.1 Relay access denied")]
    [InlineData("someone@accepted.example.evil.test", "554 5.7.1 Relay access denied")]
    [InlineData("someone@accepted.example", "250 2.1.5 Recipient ok")]
    [InlineData("someone@ACCEPTED.Example", "250 2.1.5 Recipient ok")]
    [InlineData("someone@mail.sub.example", "250 2.1.5 Recipient ok")]
    [InlineData("postmaster", "250 2.1.5 Recipient ok")]
    public async Task An_untrusted_client_sends_only_to_accepted_domains(string recipient, string reply)
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(Untrusted);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        Assert.Equal(reply, await client.CommandAsync($"RCPT TO:<{recipient}>"));
    }

    [Theory]
    [InlineData("user%elsewhere.example@accepted.example")]
    [InlineData("elsewhere.example!user@accepted.example")]
    [InlineData("\"user@elsewhere.example\"@accepted.example")]
    [InlineData("\"user%elsewhere.example\"@accepted.example")]
    public async Task Sender_specified_routing_tricks_are_refused(string recipient)
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(Untrusted);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        Assert.Equal("554 5.7.1 Relay access denied: no '%', '!' or '@' routing in the local part", await client.CommandAsync($"RCPT TO:<{recipient}>"));
    }

    [Fact]
    public async Task A_source_route_does_not_get_around_the_policy()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(Untrusted);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        // RFC 5321 Appendix C: the route is ignored, the mailbox decides.
        Assert.Equal("554 5.7.1 Relay access denied", await client.CommandAsync("RCPT TO:<@accepted.example:someone@elsewhere.example>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<@elsewhere.example:someone@accepted.example>"));
    }

    [Fact]
    public async Task A_quoted_local_part_without_routing_characters_is_fine()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(Untrusted);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<\"john doe\"@accepted.example>"));
    }

    [Fact]
    public async Task An_authenticated_untrusted_client_relays_anywhere()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.AuthenticatedAsync(Untrusted);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
    }

    [Fact]
    public async Task Trusted_networks_come_from_the_setting()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.trusted-networks = [\"127.0.0.8/29\"]");
        await using (var trusted = await bed.HelloAsync(Untrusted)) // 127.0.0.9 is in 127.0.0.8/29
        {
            Assert.StartsWith("250", await trusted.CommandAsync("MAIL FROM:<a@example.com>"));
            Assert.Equal("250 2.1.5 Recipient ok", await trusted.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
        }
        await using var outsider = await bed.HelloAsync(); // 127.0.0.1 is not
        Assert.StartsWith("250", await outsider.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("554 5.7.1 Relay access denied", await outsider.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
    }
}
