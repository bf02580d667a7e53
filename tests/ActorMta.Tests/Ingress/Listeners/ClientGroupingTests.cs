using System.Net;
using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Listeners;

/// <summary>The per-client connection limit counts a client's group (IPv4 prefix here; IPv6 /64 by default), through real sockets.</summary>
public sealed class ClientGroupingTests : IngressTestKit
{
    private const string TooManyFromClient = "421 4.7.0 mx.test Error: too many connections from your address";

    [Fact]
    public async Task Addresses_in_one_client_prefix_share_the_per_client_limit()
    {
        // 127.0.0.0/8 is all loopback: 127.0.0.2 and .3 are one client in 127.0.0.0/24, 127.0.1.2 another.
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-connections-per-client = 2\nactormta.smtp.client-ipv4-prefix = 24");
        await using var first = await bed.HelloAsync(IPAddress.Parse("127.0.0.2"));
        await using var second = await bed.HelloAsync(IPAddress.Parse("127.0.0.3"));

        await using (var third = await bed.ConnectAsync(IPAddress.Parse("127.0.0.4")))
        {
            Assert.Equal(TooManyFromClient, await third.ReadReplyAsync());
            Assert.True(await third.ClosedByServerAsync());
        }
        await using var otherClient = await bed.HelloAsync(IPAddress.Parse("127.0.1.2"));
    }

    [Fact]
    public async Task With_whole_address_groups_each_address_is_its_own_client()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-connections-per-client = 1");
        await using var first = await bed.HelloAsync(IPAddress.Parse("127.0.0.2"));
        await using var other = await bed.HelloAsync(IPAddress.Parse("127.0.0.3"));

        await using var again = await bed.ConnectAsync(IPAddress.Parse("127.0.0.2"));
        Assert.Equal(TooManyFromClient, await again.ReadReplyAsync());
    }
}
