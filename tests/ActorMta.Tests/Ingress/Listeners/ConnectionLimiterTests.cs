using System.Net;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Policy;

namespace ActorMta.Tests.Ingress.Listeners;

public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void The_total_and_the_per_client_limits_hold_and_release_frees_a_slot()
    {
        var limiter = new ConnectionLimiter(maxConnections: 3, maxPerClient: 2);

        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, false));
        Assert.Equal(Admission.TooManyFromClient, limiter.TryAdmit(A, false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(B, false));
        Assert.Equal(Admission.TooManyConnections, limiter.TryAdmit(B, false));
        Assert.Equal(3, limiter.Open);

        limiter.Release(A);
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, false));
    }

    [Fact]
    public void Exempt_clients_have_no_per_client_limit_but_count_toward_the_total()
    {
        var limiter = new ConnectionLimiter(maxConnections: 3, maxPerClient: 1);

        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, true));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, true));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, true));
        Assert.Equal(Admission.TooManyConnections, limiter.TryAdmit(B, true));
    }

    [Fact]
    public void Releasing_an_unknown_client_changes_nothing()
    {
        var limiter = new ConnectionLimiter(1, 1);
        limiter.Release(A);

        Assert.Equal(0, limiter.Open);
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, false));
    }

    [Fact]
    public void One_ipv6_64_shares_one_per_client_limit_and_mapped_ipv4_is_ipv4()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxPerClient: 2, new ClientGroups(32, 64));

        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("2001:db8:1:2::1"), false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("2001:db8:1:2::2"), false));
        Assert.Equal(Admission.TooManyFromClient, limiter.TryAdmit(IPAddress.Parse("2001:db8:1:2:8000::3"), false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("2001:db8:1:3::1"), false));

        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A, false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(A.MapToIPv6(), false));
        Assert.Equal(Admission.TooManyFromClient, limiter.TryAdmit(A, false));

        limiter.Release(IPAddress.Parse("2001:db8:1:2::9")); // any address of the group frees one of its slots
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("2001:db8:1:2::4"), false));
    }

    [Fact]
    public void The_reserved_slots_are_for_trusted_clients_only_so_an_outside_flood_cannot_lock_them_out()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxPerClient: 1, reservedForTrusted: 2);

        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("192.0.2.1"), false));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(IPAddress.Parse("192.0.2.2"), false));
        Assert.Equal(Admission.TooManyConnections, limiter.TryAdmit(IPAddress.Parse("192.0.2.3"), false));
        var internalSender = IPAddress.Parse("10.0.0.1");
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(internalSender, true));
        Assert.Equal(Admission.Admitted, limiter.TryAdmit(internalSender, true));
        Assert.Equal(Admission.TooManyConnections, limiter.TryAdmit(internalSender, true));
    }
}
