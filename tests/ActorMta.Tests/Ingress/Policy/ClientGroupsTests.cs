using System.Net;
using ActorMta.Ingress.Policy;

namespace ActorMta.Tests.Ingress.Policy;

public sealed class ClientGroupsTests
{
    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 56, "2001:db8:1::")]
    [InlineData("2001:db8:1:2ff:3:4:5:6", 56, "2001:db8:1:200::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6")]
    [InlineData("::1", 64, "::")]
    [InlineData("fe80::1%2", 64, "fe80::")]
    [InlineData("192.0.2.77", 64, "192.0.2.77")] // IPv4: its own prefix (32)
    [InlineData("::ffff:192.0.2.77", 64, "192.0.2.77")] // IPv4-mapped counts as IPv4
    public void An_ipv6_client_is_its_prefix_and_ipv4_its_address(string address, int ipv6Prefix, string key)
    {
        var groups = new ClientGroups(Ipv4Prefix: 32, Ipv6Prefix: ipv6Prefix);

        Assert.Equal(IPAddress.Parse(key), groups.KeyOf(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("192.0.2.77", 24, "192.0.2.0")]
    [InlineData("::ffff:192.0.2.77", 24, "192.0.2.0")]
    [InlineData("192.0.2.77", 31, "192.0.2.76")]
    [InlineData("127.0.1.2", 24, "127.0.1.0")]
    public void An_ipv4_prefix_can_group_ipv4_clients(string address, int ipv4Prefix, string key) =>
        Assert.Equal(IPAddress.Parse(key), new ClientGroups(ipv4Prefix, 64).KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void Two_addresses_of_one_64_are_one_client_and_of_neighbouring_64s_two()
    {
        var groups = new ClientGroups();

        Assert.Equal(groups.KeyOf(IPAddress.Parse("2001:db8::1")), groups.KeyOf(IPAddress.Parse("2001:db8::ffff:1")));
        Assert.NotEqual(groups.KeyOf(IPAddress.Parse("2001:db8::1")), groups.KeyOf(IPAddress.Parse("2001:db8:0:1::1")));
        Assert.Equal("2001:db8::/64", groups.Describe(IPAddress.Parse("2001:db8::7")));
        Assert.Equal("192.0.2.7", groups.Describe(IPAddress.Parse("192.0.2.7")));
    }
}
