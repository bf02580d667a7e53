using System.Net;
using ActorMta.Configuration;
using ActorMta.Ingress.Policy;
using ActorMta.Smtp;

namespace ActorMta.Tests.Ingress.Policy;

public sealed class RelayPolicyUnitTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("127.0.0.1/32", "::ffff:127.0.0.1", true)] // IPv4-mapped counts as IPv4
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1/128", "127.0.0.1", false)]
    public void Trusted_networks_match_by_prefix(string block, string client, bool trusted)
    {
        Assert.Equal(trusted, TrustedNetworks.Parse([block], "x").Contains(IPAddress.Parse(client)));
    }

    [Theory]
    [InlineData("10.0.0.1/8")] // host bits after the prefix
    [InlineData("10.0.0.0/33")]
    [InlineData("localhost")]
    [InlineData("10.0.0.0/")]
    public void Bad_blocks_name_the_setting(string block)
    {
        var error = Assert.Throws<SettingException>(() => TrustedNetworks.Parse([block], "actormta.smtp.trusted-networks"));
        Assert.Equal("actormta.smtp.trusted-networks", error.Path);
        Assert.Equal(block, error.Value);
    }

    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.COM", true)]
    [InlineData("example.com", "example.com.", true)]
    [InlineData("example.com", "mail.example.com", false)]
    [InlineData(".example.com", "mail.example.com", true)]
    [InlineData(".example.com", "a.b.example.com", true)]
    [InlineData(".example.com", "example.com", false)]
    [InlineData(".example.com", "badexample.com", false)]
    public void Accepted_domains_match_exactly_or_as_parents(string entry, string domain, bool accepted)
    {
        Assert.Equal(accepted, AcceptedDomains.Parse([entry], "x").Contains(domain));
    }

    [Theory]
    [InlineData("not a domain")]
    [InlineData("[192.0.2.1]")]
    [InlineData("exa_mple.com")]
    [InlineData("")]
    public void Bad_domains_name_the_setting(string domain)
    {
        var error = Assert.Throws<SettingException>(() => AcceptedDomains.Parse([domain], "actormta.smtp.accepted-domains"));
        Assert.Equal("actormta.smtp.accepted-domains", error.Path);
    }

    [Theory]
    [InlineData("user@accepted.example", false, RelayVerdict.Accept)]
    [InlineData("user@other.example", false, RelayVerdict.RelayDenied)]
    [InlineData("user@other.example", true, RelayVerdict.Accept)]
    [InlineData("user%other.example@accepted.example", false, RelayVerdict.RoutingDenied)]
    [InlineData("user%other.example@accepted.example", true, RelayVerdict.Accept)]
    [InlineData("other!user@accepted.example", false, RelayVerdict.RoutingDenied)]
    [InlineData("\"user@other.example\"@accepted.example", false, RelayVerdict.RoutingDenied)]
    [InlineData("user@[192.0.2.1]", false, RelayVerdict.RelayDenied)]
    public void The_policy_per_recipient(string address, bool mayRelay, RelayVerdict verdict)
    {
        var policy = new RelayPolicy(TrustedNetworks.Parse([], "x"), AcceptedDomains.Parse(["accepted.example"], "x"));
        Assert.True(Mailbox.TryParse(address, allowUtf8: false, out var mailbox));

        Assert.Equal(verdict, policy.Check(new ForwardPath(mailbox), mayRelay));
    }

    [Fact]
    public void Postmaster_is_always_accepted()
    {
        var policy = new RelayPolicy(TrustedNetworks.Parse([], "x"), AcceptedDomains.Parse([], "x"));

        Assert.Equal(RelayVerdict.Accept, policy.Check(ForwardPath.Postmaster, mayRelay: false));
    }
}
