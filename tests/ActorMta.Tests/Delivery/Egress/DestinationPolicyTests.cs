using System.Net;
using ActorMta.Delivery;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Routing;

namespace ActorMta.Tests.Delivery.Egress;

/// <summary>Which MX answers the MX route refuses, without any network: the address ranges, the exceptions, this node itself.</summary>
public class DestinationPolicyTests
{
    private static readonly DestinationPolicy Strict = new(DestinationSettings.Default, "mta.origin.test", [new IPEndPoint(IPAddress.Any, 25)]);

    private static NextHops Screen(DestinationPolicy policy, params string[] addresses) =>
        policy.Screen("example.test", [new NextHop("mx.example.test", [.. addresses.Select(a => new IPEndPoint(IPAddress.Parse(a), 2525))])]);

    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.254", "CGNAT")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd12:3456::1", "unique local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    public void Special_addresses_are_refused_with_5_4_4(string address, string range)
    {
        Assert.Contains(range, DestinationPolicy.SpecialRange(IPAddress.Parse(address)));
        var refused = Assert.IsType<NextHops.NotFound>(Screen(Strict, address));
        Assert.True(refused.Permanent);
        Assert.Equal((550, "5.4.4"), (refused.Reply.Code, refused.Reply.EnhancedCode));
        Assert.Contains(address.Replace("::ffff:", ""), refused.Reply.Text);
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("2a00:1450::1")]
    public void Global_addresses_are_used(string address)
    {
        Assert.Null(DestinationPolicy.SpecialRange(IPAddress.Parse(address)));
        Assert.IsType<NextHops.Found>(Screen(Strict, address));
    }

    [Fact]
    public void Allowing_private_destinations_or_listing_a_network_lets_them_through()
    {
        var open = new DestinationPolicy(new DestinationSettings(true, []), "mta.origin.test", []);
        Assert.IsType<NextHops.Found>(Screen(open, "10.1.2.3"));

        var relays = new DestinationPolicy(new DestinationSettings(false, [IPNetwork.Parse("10.20.0.0/16")]), "mta.origin.test", []);
        var found = Assert.IsType<NextHops.Found>(Screen(relays, "10.20.1.1", "10.21.1.1"));
        Assert.Equal([IPAddress.Parse("10.20.1.1")], found.Hops.Single().EndPoints.Select(e => e.Address));
    }

    [Fact]
    public void Our_own_listener_behind_a_wildcard_bind_is_a_loop_even_where_private_is_allowed()
    {
        var open = new DestinationPolicy(new DestinationSettings(true, []), "mta.origin.test", [new IPEndPoint(IPAddress.Any, 2525)]);
        var loop = Assert.IsType<NextHops.NotFound>(Screen(open, "127.0.0.1"));
        Assert.Equal((554, "5.4.6", true), (loop.Reply.Code, loop.Reply.EnhancedCode, loop.Permanent));
        // Another port on the same address is another server.
        Assert.IsType<NextHops.Found>(open.Screen("example.test", [new NextHop("mx.example.test", [new IPEndPoint(IPAddress.Loopback, 2526)])]));
    }

    [Theory]
    [InlineData("mta.origin.test")]
    [InlineData("MTA.Origin.Test.")]
    public void Our_own_name_is_a_loop(string name)
    {
        Assert.True(Strict.IsOwnName(name));
        var loop = Assert.IsType<NextHops.NotFound>(Strict.Screen("example.test", [new NextHop(name, [new IPEndPoint(IPAddress.Parse("192.0.2.1"), 25)])]));
        Assert.Equal("5.4.6", loop.Reply.EnhancedCode);
        Assert.False(Strict.IsOwnName("other.origin.test"));
        Assert.False(Strict.IsOwnName(null));
    }

    [Fact]
    public void An_undotted_node_name_like_localhost_is_never_taken_for_a_loop()
    {
        // Many misconfigured servers greet as "localhost": with that default name every one of them would be "us".
        var local = new DestinationPolicy(DestinationSettings.Default, "localhost", []);
        Assert.False(local.IsOwnName("localhost"));
        Assert.IsType<NextHops.Found>(local.Screen("example.test", [new NextHop("localhost", [new IPEndPoint(IPAddress.Parse("192.0.2.1"), 25)])]));
    }
}
