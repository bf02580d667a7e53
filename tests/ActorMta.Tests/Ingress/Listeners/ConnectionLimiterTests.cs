using System.Net;
using ActorMta.Ingress.Listeners;

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
}
